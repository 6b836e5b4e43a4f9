import { defineDetector } from '../detect/define.js'
import {
  EXCLUDE_NAMESPACES_PARAM,
  describeProbe,
  excludedNamespaces,
  kindName,
  probeEvidence,
  probeHandler,
} from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates, templateContainers } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'liveness-equals-readiness',
    title: 'Liveness and readiness probes check the same thing',
    description:
      'Readiness answers "should this pod get traffic now?"; liveness answers "is this process broken beyond repair?". When both call the same endpoint, a slow database or a dependency outage fails the liveness probe too: instead of taking pods out of rotation until the dependency recovers, the kubelet restarts them all, turning a brief slowdown into an outage with cold caches and restart back-off.',
    severity: 'info',
    category: 'reliability',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      identical:
        'Container {{container}} of {{workload}} uses the same check ({{probe}}) for liveness and readiness: when a dependency is slow, its pods are restarted instead of just being taken out of rotation.',
    },
    remediation:
      'Give container {{container}} of {{workload}} a liveness check of the process alone (a `/healthz` or `/livez` that answers while the event loop or thread pool works, without calling databases or other services), and keep dependency checks in the readiness probe. Compare the two with `kubectl describe {{workload}} -n {{namespace}}` (the `Liveness:` and `Readiness:` lines).',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    ],
    params: { excludeNamespaces: EXCLUDE_NAMESPACES_PARAM },
  },
  detect({ snapshot, report, params }) {
    const excluded = excludedNamespaces(params)
    for (const t of podTemplates(snapshot)) {
      if (excluded.has(t.namespace)) continue
      for (const { c, name } of templateContainers(t.spec)) {
        // Most containers lack one of the two: a cheap test before building the handler strings.
        if (!c.livenessProbe || !c.readinessProbe) continue
        const live = probeHandler(c.livenessProbe, c)
        if (live === undefined || live !== probeHandler(c.readinessProbe, c)) continue
        report({
          object: t.owner,
          messageId: 'identical',
          key: name,
          data: { container: name, workload: kindName(t.owner), probe: describeProbe(c.livenessProbe, c) },
          evidence: {
            container: name,
            livenessProbe: probeEvidence(c.livenessProbe),
            readinessProbe: probeEvidence(c.readinessProbe),
          },
        })
      }
    }
  },
})
