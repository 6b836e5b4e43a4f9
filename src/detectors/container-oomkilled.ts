import { defineDetector } from '../detect/define.js'
import {
  ageMs,
  containerSpecOf,
  forEachContainerStatus,
  humanDuration,
  parseDuration,
  stateEvidence,
} from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'container-oomkilled',
    title: 'Container was killed for running out of memory (OOMKilled)',
    description:
      'The kernel killed the container because it used more memory than its limit (or, without a limit, because the node ran out). Requests in flight are lost, and it will happen again under the same load: the limit is too low for the app, or the app leaks memory.',
    severity: 'warning',
    category: 'pod',
    requires: ['v1/Pod'],
    messages: {
      oomKilled:
        'Container {{container}} of pod {{name}} used more than its memory limit of {{limit}} and was killed ({{restarts}} restarts so far).',
      oomKilledNoLimit:
        'Container {{container}} of pod {{name}} was killed for using too much memory: it has no memory limit, so it grew until its node ran out ({{restarts}} restarts so far).',
    },
    remediation:
      'Compare usage with the limit: `kubectl top pod {{name}} -n {{namespace}} --containers` and `kubectl describe pod {{name}} -n {{namespace}}` (Last State: OOMKilled). If usage is steady near the limit, raise `resources.limits.memory` (and the request) for {{container}}; if it keeps growing, look for a leak; for JVM, Node.js or Go apps, size the heap to about 75% of the limit.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#memory-units',
      'https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/#exceed-a-container-s-memory-limit',
    ],
    params: {
      maxAge: {
        default: '7d',
        description:
          'Ignore an OOM kill that finished longer ago than this: the container has run within its memory since (the kubelet keeps the last termination until the next one).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const maxAge = parseDuration(params.maxAge)
    for (const pod of snapshot.list('v1/Pod')) {
      forEachContainerStatus(pod, (s, init) => {
        const current = s.state?.terminated?.reason === 'OOMKilled'
        if (!current && s.lastState?.terminated?.reason !== 'OOMKilled') return
        const state = current ? s.state : s.lastState
        const age = ageMs(state?.terminated?.finishedAt, now)
        if (age !== undefined && age > maxAge) return
        const spec = containerSpecOf(pod.spec, s.name)
        const limit: unknown = spec?.resources?.limits?.memory
        const request: unknown = spec?.resources?.requests?.memory
        const hasLimit = typeof limit === 'string' || typeof limit === 'number'
        const data: Record<string, string | number> = { container: s.name, restarts: s.restartCount ?? 0 }
        if (hasLimit) data.limit = String(limit)
        report({
          object: pod,
          messageId: hasLimit ? 'oomKilled' : 'oomKilledNoLimit',
          key: s.name,
          data,
          evidence: {
            container: s.name,
            init,
            memoryLimit: hasLimit ? String(limit) : null,
            memoryRequest:
              typeof request === 'string' || typeof request === 'number' ? String(request) : null,
            restartCount: s.restartCount ?? 0,
            [current ? 'state' : 'lastState']: stateEvidence(state),
            ...(age !== undefined ? { killedAgo: humanDuration(age) } : {}),
          },
        })
      })
    }
  },
})
