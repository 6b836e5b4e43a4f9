import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { clip, eventEvidence, humanDuration, lastEventWithReason, parseDuration } from './lib/k8s.js'
import {
  count,
  podEvidence,
  podIsReady,
  podProblem,
  sinceProgress,
  summarizeProblems,
} from './lib/pods-workloads.js'

const ORDINAL = /-(\d+)$/
const MAX_PODS = 10

function ordinalOf(pod: KubeObject): number {
  const m = ORDINAL.exec(pod.metadata.name)
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER
}

export default defineDetector({
  meta: {
    id: 'statefulset-rollout-stuck',
    title: 'StatefulSet rollout or scale-up is stuck',
    description:
      'A StatefulSet replaces and starts its pods one at a time, in order, and waits for each to be ready before the next. When one pod cannot become ready (it crashes, cannot be scheduled, waits for its volume), everything behind it waits too: fewer replicas than planned serve, and a rollout stays half done, often with the old and new versions side by side. Unlike a Deployment, it does not give up or report a deadline, and a rollout to a broken revision needs a hand to recover.',
    severity: 'warning',
    category: 'workload',
    requires: ['apps/v1/StatefulSet', 'v1/Pod'],
    optional: ['v1/Event'],
    messages: {
      rollout:
        'The rollout of StatefulSet {{name}} has made no progress for {{for}}: {{updated}} of {{replicas}} pods run the new revision and {{ready}} are ready; it waits on pod {{pod}} ({{cause}}).',
      notReady:
        'StatefulSet {{name}} has had only {{ready}} of {{replicas}} pods ready for {{for}}, with no progress; it waits on pod {{pod}} ({{cause}}).',
    },
    remediation:
      'See the pod it waits on: `kubectl describe pod {{pod}} -n {{namespace}}` and `kubectl logs {{pod}} -n {{namespace}}`, and the rollout: `kubectl rollout status statefulset/{{name}} -n {{namespace}}`, `kubectl describe statefulset {{name}} -n {{namespace}}` (Events). Fix the cause (a crash, a missing volume or PVC, no room on nodes). After fixing a broken revision, a StatefulSet does not replace a pod stuck on it by itself: roll forward or `kubectl rollout undo statefulset/{{name}} -n {{namespace}}`, then delete the stuck pod `kubectl delete pod {{pod}} -n {{namespace}}`.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#rolling-updates',
      'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#forced-rollback',
    ],
    params: {
      minDuration: {
        default: '15m',
        description:
          'How long the StatefulSet must have made no progress (no pod created and no pod changing readiness) before the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withEvents = snapshot.has('v1/Event')
    for (const sts of snapshot.list('apps/v1/StatefulSet')) {
      const st = sts.status
      if (!st || typeof st !== 'object') continue
      const replicas = count(sts.spec?.replicas, 1)
      const ready = count(st.readyReplicas)
      const updated = count(st.updatedReplicas)
      const strategy = sts.spec?.updateStrategy?.type ?? 'RollingUpdate'
      const partition = count(sts.spec?.updateStrategy?.rollingUpdate?.partition)
      // OnDelete waits for people to delete pods, and a partition keeps the lower ordinals on purpose.
      const rolling =
        strategy !== 'OnDelete' &&
        typeof st.currentRevision === 'string' &&
        typeof st.updateRevision === 'string' &&
        st.currentRevision !== st.updateRevision &&
        updated < replicas - partition
      if (!rolling && ready >= replicas) continue

      const pods = snapshot.podsFor(sts)
      const idle = sinceProgress(sts, pods, now)
      if (idle !== undefined && idle < min) continue

      const unready = pods.filter((p) => !podIsReady(p)).sort((a, b) => ordinalOf(a) - ordinalOf(b))
      const start = count(sts.spec?.ordinals?.start)
      const present = new Set(pods.map((p) => p.metadata.name))
      let missing: string | undefined
      for (let i = start; i < start + replicas && missing === undefined; i++) {
        const name = `${sts.metadata.name}-${i}`
        if (!present.has(name)) missing = name
      }
      const blocking = unready[0]
      const evidence: Record<string, unknown> = {
        replicas: {
          desired: replicas,
          current: count(st.replicas),
          ready,
          updated,
          available: count(st.availableReplicas, ready),
        },
        currentRevision: st.currentRevision,
        updateRevision: st.updateRevision,
        podManagementPolicy: sts.spec?.podManagementPolicy ?? 'OrderedReady',
      }
      if (partition) evidence.partition = partition
      if (unready.length) evidence.notReadyPods = unready.slice(0, MAX_PODS).map(podEvidence)
      if (missing) evidence.missingPod = missing
      let cause: string
      if (blocking) cause = unready.length > 1 ? summarizeProblems(unready) : podProblem(blocking)
      else if (missing) {
        const failed = withEvents ? lastEventWithReason(snapshot.eventsFor(sts), ['FailedCreate']) : undefined
        if (failed) evidence.event = eventEvidence(failed)
        cause = failed
          ? `it cannot be created: ${clip((failed as Record<string, unknown>).message, 160) ?? 'no message'}`
          : 'it has not been created'
      } else cause = 'its pods are ready, but the controller has not moved on'
      report({
        object: sts,
        messageId: rolling ? 'rollout' : 'notReady',
        data: {
          for: idle === undefined ? 'an unknown time' : humanDuration(idle),
          replicas,
          ready,
          updated,
          pod: blocking?.metadata.name ?? missing ?? `${sts.metadata.name}-${start}`,
          cause,
        },
        evidence,
      })
    }
  },
})
