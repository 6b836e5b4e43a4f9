import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { HPA, TARGET_KINDS, hpaNames, refText, scaledWorkloads } from './lib/autoscaling.js'
import { conditionOf, humanDuration, parseDuration } from './lib/k8s.js'

const POD = 'v1/Pod'

/** Seconds matter at this scale: `1m35s`, not `1m`. */
function took(ms: number): string {
  if (ms >= 3_600_000) return humanDuration(ms)
  const s = Math.floor(ms / 1000)
  const m = Math.floor(s / 60)
  return m > 0 ? `${m}m${s % 60 ? `${s % 60}s` : ''}` : `${s}s`
}

/**
 * The pods of a workload through the owner graph (Deployment → ReplicaSet → Pod): linear in its own
 * pods, where a selector match would scan the namespace once per HPA. Falls back to the selector
 * when the owner chain is not in the snapshot (ReplicaSets not collected).
 */
function podsOf(snapshot: Snapshot, target: KubeObject): KubeObject[] {
  const out: KubeObject[] = []
  for (const c of snapshot.childrenOf(target)) {
    if (c.kind === 'Pod') out.push(c)
    else if (c.kind === 'ReplicaSet')
      for (const p of snapshot.childrenOf(c)) if (p.kind === 'Pod') out.push(p)
  }
  return out.length > 0 ? out : snapshot.podsFor(target)
}

interface Startup {
  pod: string
  start: string
  ready: string
  ms: number
}

export default defineDetector({
  meta: {
    id: 'hpa-slow-startup',
    title: 'Pods of a workload scaled by an HPA take long to become ready',
    description:
      "An HPA reacts to load by adding pods, but a new pod helps only once it is Ready. The time from the pod's start to Ready (image pull, init containers, application start, the readiness probe's delays) is dead time during which the existing pods carry the spike alone; when it is long, every scale-up arrives late and the HPA overshoots to compensate. Measured from the pods in the snapshot: status.startTime (or PodScheduled) to the Ready condition's transition, median over the workload's pods.",
    severity: 'info',
    category: 'autoscaling',
    requires: [HPA, POD],
    requiresAny: TARGET_KINDS,
    messages: {
      slow: 'Pods of {{target}}, scaled by HPA {{hpa}}, take {{median}} from start to ready (median of {{pods}} pod(s); slowest {{slowest}}): each scale-up helps only after that long, while the existing pods carry the load alone.',
    },
    remediation:
      'See where the time goes: `kubectl describe pod <pod> -n {{namespace}}` (Events: Pulling/Pulled image, init containers, Started, Readiness probe) for a recent pod of {{target}}. Then shorten it: a smaller image (see hpa-large-image), faster init containers, lazy initialization in the application, and a readiness probe without a long initialDelaySeconds (a startupProbe with a short period instead). If it cannot be shortened, keep more headroom: a lower target utilization or a higher minReplicas on HPA {{hpa}} (`kubectl describe hpa {{hpa}} -n {{namespace}}`).',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-conditions',
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior',
    ],
    params: {
      maxStartup: {
        default: '60s',
        description:
          'Fires when the median time from pod start to Ready is longer than this (a Go duration).',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const max = parseDuration(params.maxStartup)
    for (const w of scaledWorkloads(snapshot)) {
      const startups: Startup[] = []
      for (const pod of podsOf(snapshot, w.target)) {
        if (pod.metadata.deletionTimestamp) continue
        const ready = conditionOf(pod, 'Ready')
        if (!ready || ready.status !== 'True' || !ready.lastTransitionTime) continue
        // A restarted container's Ready time is its last restart's, not the pod's start-up.
        const statuses: unknown = pod.status?.containerStatuses
        if (
          Array.isArray(statuses) &&
          statuses.some((s) => typeof s?.restartCount === 'number' && s.restartCount > 0)
        )
          continue
        const startTime: unknown = pod.status?.startTime
        const start =
          typeof startTime === 'string' ? startTime : conditionOf(pod, 'PodScheduled')?.lastTransitionTime
        if (!start) continue
        const ms = Date.parse(ready.lastTransitionTime) - Date.parse(start)
        if (!(ms >= 0)) continue
        startups.push({ pod: pod.metadata.name, start, ready: ready.lastTransitionTime, ms })
      }
      if (startups.length === 0) continue
      startups.sort((a, b) => a.ms - b.ms)
      const mid = startups.length >> 1
      const median =
        startups.length % 2 === 1 ? startups[mid]!.ms : (startups[mid - 1]!.ms + startups[mid]!.ms) / 2
      if (median <= max) continue
      const slowest = startups[startups.length - 1]!
      report({
        object: w.target,
        messageId: 'slow',
        data: {
          target: refText(w.target),
          hpa: hpaNames(w.hpas),
          median: took(median),
          slowest: took(slowest.ms),
          pods: startups.length,
        },
        evidence: {
          medianSeconds: Math.round(median / 1000),
          thresholdSeconds: Math.round(max / 1000),
          pods: startups.slice(-3).map((s) => ({
            name: s.pod,
            startTime: s.start,
            readyAt: s.ready,
            took: took(s.ms),
          })),
        },
      })
    }
  },
})
