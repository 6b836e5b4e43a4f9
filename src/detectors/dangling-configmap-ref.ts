import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import {
  describeUses,
  kindName,
  namespacesWith,
  refsByName,
  specRefs,
  startsPods,
} from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates } from './lib/workloads.js'

// Published into every namespace by a controller (kube-controller-manager, OpenShift's service CA).
const AUTO_PUBLISHED = new Set(['kube-root-ca.crt', 'openshift-service-ca.crt'])

function hasKey(cm: KubeObject, key: string): boolean | undefined {
  const d = cm.data as object | undefined
  const b = cm.binaryData as object | undefined
  const dataOk = d && typeof d === 'object'
  const binOk = b && typeof b === 'object'
  // A ConfigMap listed without its data (metadata only) cannot tell.
  if (!dataOk && !binOk) return undefined
  return (dataOk && Object.hasOwn(d, key)) || (binOk && Object.hasOwn(b, key)) ? true : false
}

export default defineDetector({
  meta: {
    id: 'dangling-configmap-ref',
    title: 'Pod template refers to a ConfigMap that does not exist',
    description:
      'A pod that mounts a ConfigMap, or reads environment variables from one, cannot start while the ConfigMap (or the key it needs) is missing: the container waits in CreateContainerConfigError, or the pod stays in ContainerCreating on a failed mount. Pods already running keep going, so the problem stays invisible until the next rollout, restart or reschedule, and then the new pods never become ready. Mark a reference `optional: true` when the pod can live without it.',
    severity: 'warning',
    category: 'reliability',
    requires: ['v1/ConfigMap'],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      missing:
        'ConfigMap {{configMap}}, used by {{usedBy}} of {{workload}}, does not exist in namespace {{namespace}}: new pods of {{workload}} will not start.',
      missingKey:
        'ConfigMap {{configMap}} has no key {{key}}, which {{usedBy}} of {{workload}} needs: new pods of {{workload}} will not start.',
    },
    remediation:
      'Check: `kubectl get configmap {{configMap}} -n {{namespace}} -o yaml`. Create the ConfigMap (or the key) in namespace {{namespace}} where the workload is deployed (ConfigMaps are not shared across namespaces), or fix the name in the pod template of {{workload}}; if the pod can run without it, set `optional: true` on the reference. A pod already stuck on it recovers by itself once it exists.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/configmap/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#optional-references',
    ],
  },
  detect({ snapshot, report }) {
    // A live namespace always holds kube-root-ca.crt: one without any ConfigMap was not collected.
    const collectedIn = namespacesWith(snapshot, 'v1/ConfigMap')
    for (const t of podTemplates(snapshot)) {
      if (!collectedIn.has(t.namespace) || !startsPods(t)) continue
      const refs = specRefs(t.spec, 'ConfigMap')
      if (refs.length === 0) continue
      const workload = kindName(t.owner)
      for (const [name, uses] of refsByName(refs)) {
        const required = uses.filter((u) => !u.optional)
        if (required.length === 0 || AUTO_PUBLISHED.has(name)) continue
        const cm = snapshot.get('v1/ConfigMap', t.namespace, name)
        if (!cm) {
          report({
            object: t.owner,
            messageId: 'missing',
            key: name,
            data: { configMap: name, workload, usedBy: describeUses(required) },
            evidence: { configMap: name, usedBy: [...new Set(required.map((u) => u.from))] },
          })
          continue
        }
        const reported = new Set<string>()
        for (const u of required) {
          if (u.key === undefined || reported.has(u.key) || hasKey(cm, u.key) !== false) continue
          reported.add(u.key)
          report({
            object: t.owner,
            messageId: 'missingKey',
            key: `${name}/${u.key}`,
            data: { configMap: name, key: u.key, workload, usedBy: u.from },
            evidence: {
              configMap: name,
              key: u.key,
              keys: Object.keys({ ...(cm.data ?? {}), ...(cm.binaryData ?? {}) }).slice(0, 20),
            },
          })
        }
      }
    }
  },
})
