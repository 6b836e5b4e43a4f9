import { defineDetector } from '../detect/define.js'
import {
  DATAPLANE_MODE_LABEL,
  INJECTION_LABEL,
  isRunning,
  labelsOf,
  meshedPods,
  namespaceMesh,
  restartCommand,
} from './lib/mesh-gitops.js'

export default defineDetector({
  meta: {
    id: 'istio-ambient-sidecar-conflict',
    title: 'Ambient-mode namespace also uses Istio sidecars',
    description:
      "A namespace labeled istio.io/dataplane-mode=ambient should be served by the node's ztunnel (and waypoints), without sidecars. If it also has istio-injection=enabled, new pods still get sidecars; pods that carry a sidecar are skipped by ztunnel. The namespace then runs two data planes with different policies, telemetry and failure modes, usually by accident during a migration, and it is hard to tell which one handles a given request.",
    severity: 'warning',
    category: 'mesh',
    requires: ['v1/Namespace'],
    optional: ['v1/Pod'],
    messages: {
      injectionLabel:
        'Namespace {{name}} is in ambient mode but also labeled istio-injection=enabled: new pods there get sidecars and bypass ztunnel.',
      sidecarPod:
        'Pod {{pod}} runs an Istio sidecar although {{where}} is in ambient mode: ztunnel skips it, so it is meshed by its sidecar instead of the ambient data plane{{cause}}.',
    },
    remediation:
      'Pick one data plane. For ambient: `kubectl label namespace {{ns}} istio-injection-` (remove the injection label), then recreate the pods that still carry a sidecar: {{restart}}. Check with `kubectl get namespace {{ns}} --show-labels` and `istioctl ztunnel-config workloads | grep {{ns}}`. To keep sidecars instead, remove `istio.io/dataplane-mode=ambient`.',
    references: [
      'https://istio.io/latest/docs/ambient/usage/add-workloads/',
      'https://istio.io/latest/docs/ambient/upgrade/migrate-from-sidecar/',
      'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/',
    ],
  },
  detect({ snapshot, report }) {
    const namespaces = namespaceMesh(snapshot)
    let anyAmbient = false
    for (const ns of namespaces.values()) {
      if (!ns.ambient) continue
      anyAmbient = true
      if (ns.injection === 'enabled')
        report({
          object: ns.obj,
          messageId: 'injectionLabel',
          data: { ns: ns.name, restart: `\`kubectl rollout restart deployment -n ${ns.name}\`` },
          evidence: { labels: { [DATAPLANE_MODE_LABEL]: 'ambient', [INJECTION_LABEL]: ns.injection } },
        })
    }
    if (!snapshot.has('v1/Pod')) return
    for (const m of meshedPods(snapshot)) {
      // Waypoints and gateways run the proxy as the workload itself: they belong in ambient namespaces.
      if (m.gateway || !isRunning(m.pod)) continue
      const nsName = m.pod.metadata.namespace ?? ''
      const podMode = labelsOf(m.pod)[DATAPLANE_MODE_LABEL]
      const podAmbient = podMode === 'ambient'
      // A pod labeled with another mode (`none`, `sidecar`) opted out of ambient on purpose.
      if (!podAmbient && (podMode !== undefined || !(anyAmbient && namespaces.get(nsName)?.ambient))) continue
      const ns = namespaces.get(nsName)
      report({
        object: m.pod,
        messageId: 'sidecarPod',
        data: {
          pod: m.pod.metadata.name,
          where: podAmbient ? 'the pod itself' : `namespace ${nsName}`,
          cause:
            ns?.injection === 'enabled'
              ? '; the namespace label istio-injection=enabled keeps adding them'
              : '',
          ns: nsName,
          restart: restartCommand(snapshot, m.pod),
        },
        evidence: {
          podLabels: { [DATAPLANE_MODE_LABEL]: labelsOf(m.pod)[DATAPLANE_MODE_LABEL] ?? null },
          namespaceLabels: {
            [DATAPLANE_MODE_LABEL]: ns?.ambient ? 'ambient' : null,
            [INJECTION_LABEL]: ns?.injection ?? null,
          },
          proxyImage: typeof m.proxy.image === 'string' ? m.proxy.image : null,
        },
      })
    }
  },
})
