import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { conditionOf } from './lib/k8s.js'
import {
  CONTROL_PLANE_KINDS,
  INJECT_LABEL,
  INJECTION_LABEL,
  NEVER_INJECTED,
  REV_LABEL,
  DATAPLANE_MODE_LABEL,
  annotationsOf,
  controlPlane,
  isRunning,
  istioPresent,
  istioProxyOf,
  labelsOf,
  meshedPods,
  namespaceMesh,
  namespaceWants,
  optedOut,
  restartCommand,
  str,
  type ControlPlane,
  type NamespaceMesh,
} from './lib/mesh-gitops.js'

// Whether an injector webhook serves a revision (or tag); undefined when webhooks were not collected.
function served(cp: ControlPlane, revision: string): boolean | undefined {
  if (!cp.webhooksCollected) return undefined
  if (revision === 'default') return cp.defaultServed
  return cp.tags.has(revision) || cp.injectors.has(revision)
}

function istiodState(cp: ControlPlane, revision: string): Record<string, unknown> | undefined {
  const rev = cp.tags.get(revision) ?? revision
  const list = cp.byRevision.get(rev)
  if (!list?.length) return undefined
  const d = list[0]!.obj
  const available = conditionOf(d, 'Available')
  return {
    deployment: `${d.metadata.namespace}/${d.metadata.name}`,
    available: available?.status ?? 'unknown',
    availableReplicas: d.status?.availableReplicas ?? 0,
  }
}

export default defineDetector({
  meta: {
    id: 'istio-sidecar-missing',
    title: 'Pod runs without the Istio sidecar in a namespace that asks for one',
    description:
      'The namespace (or the pod) asks Istio to inject its proxy, but this running pod has no istio-proxy container. Its traffic bypasses the mesh: no mutual TLS, no routing rules, retries or telemetry, and services that require mTLS (STRICT) refuse its calls. Injection only happens when a pod is created, so pods started before the label was set, or while the injector was down, stay outside the mesh until they are recreated.',
    severity: 'warning',
    category: 'mesh',
    requires: ['v1/Namespace', 'v1/Pod'],
    optional: CONTROL_PLANE_KINDS,
    messages: {
      missing:
        'Pod {{pod}} runs without the Istio sidecar although {{reason}}. Its traffic bypasses the mesh (no mTLS, no routing rules); it was most likely started before injection was turned on, or while the injector was unreachable.',
      noInjector:
        'Pod {{pod}} runs without the Istio sidecar: {{reason}}, but no injector webhook serves revision {{revision}} in this cluster, so new pods there start without a sidecar too.',
    },
    remediation:
      'Recreate the pod so the injector sees it: {{restart}}, then check that istio-proxy is among its containers: `kubectl get pods -n {{namespace}} -o custom-columns=NAME:.metadata.name,CONTAINERS:.spec.containers[*].name`. If new pods still come without it, check the labels with `kubectl get namespace {{namespace}} --show-labels` and the injector with `kubectl get mutatingwebhookconfigurations -l app=sidecar-injector` and `kubectl get pods -n istio-system -l app=istiod`. To keep a workload out of the mesh on purpose, label its pod template `sidecar.istio.io/inject: "false"`.',
    references: [
      'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/',
      'https://istio.io/latest/docs/reference/config/analysis/ist0103/',
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/',
    ],
  },
  detect({ snapshot, report }) {
    const namespaces = namespaceMesh(snapshot)
    const cp = controlPlane(snapshot)
    // A pod may ask for a sidecar by label alone, but only where Istio is installed at all.
    const present = istioPresent(cp) || meshedPods(snapshot).length > 0
    // Webhooks were listed and there is no Istio at all: istio-revision-orphan reports the leftover labels once.
    if (cp.webhooksCollected && !present) return
    let anyNamespace = false
    for (const ns of namespaces.values())
      if (namespaceWants(ns) !== undefined) {
        anyNamespace = true
        break
      }
    if (!anyNamespace && !present) return
    // Pods come grouped by namespace: look a namespace up only when it changes.
    let lastNs: string | undefined
    let ns: NamespaceMesh | undefined
    let never = false
    for (const pod of snapshot.list('v1/Pod')) {
      if (!isRunning(pod)) continue
      const nsName = pod.metadata.namespace ?? ''
      if (nsName !== lastNs) {
        lastNs = nsName
        never = NEVER_INJECTED.has(nsName)
        ns = namespaces.get(nsName)
      }
      if (never) continue
      let revision = namespaceWants(ns)
      let reason: string | undefined
      const labels = labelsOf(pod)
      if (revision === undefined) {
        // istio-injection=disabled (or any value but enabled) turns injection off for the whole namespace.
        if (ns?.injection !== undefined || !present) continue
        const podRev = str(labels[REV_LABEL])
        if (labels[INJECT_LABEL] === 'true') {
          revision = podRev ?? 'default'
          reason = `the pod is labeled ${INJECT_LABEL}=true`
        } else if (podRev !== undefined) {
          revision = podRev
          reason = `the pod is labeled ${REV_LABEL}=${podRev}`
        } else continue
      }
      if (istioProxyOf(pod.spec) || !wantsSidecar(pod)) continue
      reason ??=
        ns!.injection !== undefined
          ? `namespace ${nsName} is labeled ${INJECTION_LABEL}=${ns!.injection}`
          : `namespace ${nsName} is labeled ${REV_LABEL}=${revision}`
      const isServed = served(cp, revision)
      const containers = Array.isArray(pod.spec?.containers)
        ? pod.spec.containers
            .map((c: { name?: unknown }) => c?.name)
            .filter((n: unknown) => typeof n === 'string')
        : []
      const evidence: Record<string, unknown> = {
        namespaceLabels: {
          [INJECTION_LABEL]: ns?.injection ?? null,
          [REV_LABEL]: ns?.rev ?? null,
        },
        containers,
        podCreated: pod.metadata.creationTimestamp ?? null,
      }
      if (isServed !== undefined) evidence.injectorFound = isServed
      const istiod = istiodState(cp, revision)
      if (istiod) evidence.istiod = istiod
      report({
        object: pod,
        messageId: isServed === false ? 'noInjector' : 'missing',
        data: { pod: pod.metadata.name, reason, revision, restart: restartCommand(snapshot, pod) },
        evidence,
      })
    }
  },
})

// Pods the injector skips on purpose: opted out, host network, static (mirror) pods, ambient pods.
function wantsSidecar(pod: KubeObject): boolean {
  if (optedOut(pod)) return false
  if (pod.spec?.hostNetwork === true) return false
  if (annotationsOf(pod)['kubernetes.io/config.mirror'] !== undefined) return false
  const mode = labelsOf(pod)[DATAPLANE_MODE_LABEL]
  return mode === undefined || mode === 'sidecar'
}
