import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { describeUses, kindName, refsByName, specRefs, startsPods } from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates } from './lib/workloads.js'

// Objects whose controller creates a Secret: the Secret appears once it has done its work.
const PRODUCERS: [string, (o: KubeObject) => unknown][] = [
  ['cert-manager.io/v1/Certificate', (o) => o.spec?.secretName],
  ['external-secrets.io/v1beta1/ExternalSecret', (o) => o.spec?.target?.name ?? o.metadata.name],
  ['bitnami.com/v1alpha1/SealedSecret', (o) => o.spec?.template?.metadata?.name ?? o.metadata.name],
]

/** `namespace/name` of every Secret a collected producer will create. */
function producedSecrets(snapshot: Snapshot): Map<string, string> {
  const out = new Map<string, string>()
  for (const [kind, target] of PRODUCERS) {
    if (!snapshot.has(kind)) continue
    for (const o of snapshot.list(kind)) {
      const name = target(o)
      if (typeof name === 'string')
        out.set(`${o.metadata.namespace ?? ''}/${name}`, `${o.kind} ${o.metadata.name}`)
    }
  }
  return out
}

export default defineDetector({
  meta: {
    id: 'dangling-secret-ref',
    title: 'Pod template refers to a Secret that does not exist',
    description:
      'A pod that mounts a Secret or reads environment variables from one cannot start while the Secret is missing: the container waits in CreateContainerConfigError, or the pod stays in ContainerCreating on a failed mount. A missing image pull secret makes pulls from a private registry fail (ImagePullBackOff). Pods already running keep going, so the problem shows only at the next rollout, restart or reschedule. Only Secret names are compared; Secret contents are never read.',
    severity: 'warning',
    category: 'reliability',
    requires: ['v1/Secret'],
    requiresAny: WORKLOAD_KINDS,
    optional: PRODUCERS.map(([k]) => k),
    messages: {
      missing:
        'Secret {{secret}}, used by {{usedBy}} of {{workload}}, does not exist in namespace {{namespace}}: new pods of {{workload}} will not start.',
      pullSecretMissing:
        'Image pull secret {{secret}} of {{workload}} does not exist in namespace {{namespace}}: pulls of its images from a private registry will fail with ImagePullBackOff.',
    },
    remediation:
      'Check: `kubectl get secret {{secret}} -n {{namespace}}` (names only; the contents are not needed). Create the Secret in namespace {{namespace}} (Secrets are not shared across namespaces; for a registry: `kubectl create secret docker-registry {{secret}} -n {{namespace}} --docker-server=... --docker-username=... --docker-password=...`), check the tool that should create it (external-secrets, sealed-secrets, cert-manager), or fix the name in the pod template of {{workload}}; a reference the pod can live without can be marked `optional: true`.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/',
    ],
  },
  detect({ snapshot, report }) {
    let produced: Map<string, string> | undefined
    for (const t of podTemplates(snapshot)) {
      if (!startsPods(t)) continue
      const refs = specRefs(t.spec, 'Secret')
      if (refs.length === 0) continue
      const workload = kindName(t.owner)
      for (const [name, uses] of refsByName(refs)) {
        const required = uses.filter((u) => !u.optional)
        if (required.length === 0 || snapshot.get('v1/Secret', t.namespace, name)) continue
        produced ??= producedSecrets(snapshot)
        if (produced.has(`${t.namespace}/${name}`)) continue
        const pullOnly = required.every((u) => u.pullSecret)
        report({
          object: t.owner,
          messageId: pullOnly ? 'pullSecretMissing' : 'missing',
          key: name,
          data: { secret: name, workload, usedBy: describeUses(required) },
          evidence: { secret: name, usedBy: [...new Set(required.map((u) => u.from))] },
        })
      }
    }
  },
})
