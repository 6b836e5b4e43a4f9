import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { ageMs, conditionEvidence, conditionOf, humanDuration, parseDuration } from './lib/k8s.js'
import { count, podEvidence, podIsReady, summarizeProblems } from './lib/pods-workloads.js'

// Progressing reasons of a rollout under way (NewReplicaSetAvailable means it finished).
const ROLLING = new Set(['ReplicaSetUpdated', 'NewReplicaSetCreated', 'FoundNewReplicaSet'])
const MAX_PODS = 10

// The earliest time one of the unavailable pods stopped being ready (or was created, if it never was).
function earliestUnready(pods: readonly KubeObject[]): string | undefined {
  let best: string | undefined
  let bestMs = Infinity
  for (const p of pods) {
    const ready = conditionOf(p, 'Ready')
    const t =
      ready?.status === 'False' && ready.lastTransitionTime
        ? ready.lastTransitionTime
        : p.metadata.creationTimestamp
    const ms = typeof t === 'string' ? Date.parse(t) : NaN
    if (!Number.isNaN(ms) && ms < bestMs) {
      bestMs = ms
      best = t
    }
  }
  return best
}

export default defineDetector({
  meta: {
    id: 'deployment-replicas-unavailable',
    title: 'Deployment has fewer available pods than it wants',
    description:
      'The Deployment asks for N pods but fewer are available, and it has stayed so outside any rollout. The service runs with less capacity and less redundancy than planned: the next node failure, drain or traffic spike may take it down.',
    severity: 'warning',
    category: 'workload',
    requires: ['apps/v1/Deployment'],
    optional: ['v1/Pod', 'apps/v1/ReplicaSet'],
    messages: {
      unavailable:
        'Deployment {{name}} has had only {{available}} of {{replicas}} pods available for {{for}} (unavailable pods: {{cause}}).',
    },
    remediation:
      "Find the pods that are not available and why: `kubectl get pods -n {{namespace}} -l <the Deployment's selector> -o wide` and `kubectl describe deployment {{name}} -n {{namespace}}`; then `kubectl describe pod <pod> -n {{namespace}}` on one of them (Pending: not enough room or a constraint nobody meets; CrashLoopBackOff or not ready: read its logs and probe events). Fix the cause the pods show; the Deployment recovers by itself.",
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status',
      'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/',
    ],
    params: {
      minDuration: {
        default: '15m',
        description:
          'How long the Deployment must have been short of available pods before the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withPods = snapshot.has('v1/Pod')
    for (const dep of snapshot.list('apps/v1/Deployment')) {
      const st = dep.status
      // A manifest has no status: nothing is unavailable yet.
      if (!st || typeof st !== 'object') continue
      if (dep.spec?.paused === true) continue
      const replicas = count(dep.spec?.replicas, 1)
      const available = count(st.availableReplicas)
      if (replicas === 0 || available >= replicas) continue
      const progressing = conditionOf(dep, 'Progressing')
      // A stuck rollout and pods that cannot be created have detectors of their own.
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') continue
      if (conditionOf(dep, 'ReplicaFailure')?.status === 'True') continue
      // A rollout that still makes progress within its deadline is not a shortage yet.
      const deadlineMs = count(dep.spec?.progressDeadlineSeconds, 600) * 1000
      const lastProgress = progressing?.lastUpdateTime ?? progressing?.lastTransitionTime
      const sinceProgress = ageMs(lastProgress, now)
      if (
        progressing?.status === 'True' &&
        ROLLING.has(progressing.reason ?? '') &&
        sinceProgress !== undefined &&
        sinceProgress < deadlineMs
      )
        continue

      const availableCond = conditionOf(dep, 'Available')
      const unready = withPods ? snapshot.podsFor(dep).filter((p) => !podIsReady(p)) : []
      let since: string | undefined
      if (availableCond?.status === 'False') since = availableCond.lastTransitionTime
      else if (unready.length) since = earliestUnready(unready)
      else since = lastProgress ?? availableCond?.lastTransitionTime
      const age = ageMs(since, now)
      if (age !== undefined && age < min) continue

      const cause = !withPods
        ? 'pods were not collected'
        : unready.length
          ? summarizeProblems(unready)
          : 'none of its pods is failing in the snapshot, some are missing'
      const evidence: Record<string, unknown> = {
        replicas: {
          desired: replicas,
          current: count(st.replicas),
          updated: count(st.updatedReplicas),
          ready: count(st.readyReplicas),
          available,
          unavailable: count(st.unavailableReplicas, replicas - available),
        },
      }
      if (availableCond) evidence.available = conditionEvidence(availableCond, now)
      if (progressing) evidence.progressing = conditionEvidence(progressing, now)
      if (unready.length) evidence.unavailablePods = unready.slice(0, MAX_PODS).map(podEvidence)
      report({
        object: dep,
        messageId: 'unavailable',
        data: {
          available,
          replicas,
          for: age === undefined ? 'an unknown time' : humanDuration(age),
          cause,
        },
        evidence,
      })
    }
  },
})
