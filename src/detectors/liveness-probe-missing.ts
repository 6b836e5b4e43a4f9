import { defineDetector } from '../detect/define.js'
import {
  EXCLUDE_NAMESPACES_PARAM,
  MESH_PROXIES,
  excludedNamespaces,
  isLongRunning,
  kindName,
} from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates, templateContainers } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'liveness-probe-missing',
    title: 'Long-running container has no liveness probe',
    description:
      'A liveness probe lets the kubelet restart a container whose process is still running but no longer working (a deadlock, an exhausted thread pool, a stuck event loop). Without one, such a container stays broken until someone notices and deletes the pod. This is hygiene: a probe that checks the wrong thing does more harm than none, so add one only where the app can hang.',
    severity: 'info',
    category: 'reliability',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      missing:
        'Container {{container}} of {{workload}} has no liveness probe: if its process hangs without exiting, Kubernetes will not restart it.',
    },
    remediation:
      'If the app can hang, add a `livenessProbe` to container {{container}} of {{workload}}: a cheap check of the process itself, not of its databases or other dependencies (for example `httpGet: {path: /healthz, port: http}`, `periodSeconds: 10`, `failureThreshold: 3`), and a `startupProbe` if it starts slowly. See what is set with `kubectl describe {{workload}} -n {{namespace}}` (a `Liveness:` line per container). If the process exits when it breaks, no probe is needed: silence this finding for {{workload}}.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    ],
    params: { excludeNamespaces: EXCLUDE_NAMESPACES_PARAM },
  },
  detect({ snapshot, report, params }) {
    const excluded = excludedNamespaces(params)
    for (const t of podTemplates(snapshot)) {
      if (excluded.has(t.namespace) || !isLongRunning(t)) continue
      for (const { c, name, kind } of templateContainers(t.spec)) {
        if (kind !== 'app' || MESH_PROXIES.has(name)) continue
        if (c.livenessProbe && typeof c.livenessProbe === 'object') continue
        report({
          object: t.owner,
          messageId: 'missing',
          key: name,
          data: { container: name, workload: kindName(t.owner) },
          evidence: { container: name, readinessProbe: c.readinessProbe ? 'set' : 'none' },
        })
      }
    }
  },
})
