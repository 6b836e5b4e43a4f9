import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { eventTime } from '../snapshot/snapshot.js'
import { HPA, TARGET_KINDS, hpaNames, refText, scaledWorkloads, staticReplicasOf } from './lib/autoscaling.js'
import { clip, humanDuration, paramList, parseDuration } from './lib/k8s.js'

// The deployment controller's words: "Scaled up replica set web-7d9f8b6c5d to 5" (and, from 1.30,
// "Scaled up replica set web-7d9f8b6c5d from 2 to 5").
const SCALED = /^Scaled (up|down) replica set (\S+) (?:from \d+ )?to (\d+)/

interface Scale {
  up: boolean
  to: number
  count: number
  time: string
  event: KubeObject
}

/** Changes of direction in one ReplicaSet's scale events, oldest first. */
function directionChanges(scales: Scale[]): number {
  // Repeated identical events are aggregated into one with a count, so their order is lost; a
  // snap-back alternates by nature, so read a count as that many alternations.
  if (scales.every((s) => s.count <= 1)) {
    let changes = 0
    for (let i = 1; i < scales.length; i++) if (scales[i]!.up !== scales[i - 1]!.up) changes++
    return changes
  }
  let ups = 0
  let downs = 0
  for (const s of scales)
    if (s.up) ups += s.count
    else downs += s.count
  if (ups === 0 || downs === 0) return 0
  return ups === downs ? 2 * ups - 1 : 2 * Math.min(ups, downs)
}

export default defineDetector({
  meta: {
    id: 'replicas-snapback',
    title: 'Workload size snaps back and forth between its HPA and a static replicas value',
    description:
      "The HorizontalPodAutoscaler grows a Deployment under load, then a GitOps sync, a `kubectl apply` or a Helm upgrade of a manifest that still sets spec.replicas puts it back to the manifest's value, and the HPA grows it again: the Deployment's events show it scaled up and down again and again within the hour, with the scale-downs landing on the manifest's value. Each snap-back kills pods in the middle of the load they were added for, so users see errors and latency at every sync.",
    severity: 'warning',
    category: 'autoscaling',
    requires: [HPA, 'v1/Event'],
    requiresAny: TARGET_KINDS,
    needsManagedFields: true,
    messages: {
      snapback:
        '{{target}} is being resized back and forth: {{changes}} changes of direction in the last {{window}}, between {{low}} and {{high}} replicas. HPA {{hpa}} scales it up, and {{tool}} keeps putting spec.replicas back to {{value}}, killing the pods the HPA added.',
    },
    remediation:
      'Confirm the tug of war: `kubectl get events -n {{namespace}} --field-selector involvedObject.name={{targetName}},reason=ScalingReplicaSet` and `kubectl get {{targetKind}} {{targetName}} -n {{namespace}} --show-managed-fields -o yaml` (who owns f:spec.f:replicas). Then let the HPA own the size: remove `replicas` from the manifest of {{target}}; with client-side apply or Argo CD first drop it from the last-applied annotation (`kubectl apply edit-last-applied {{targetKind}}/{{targetName}} -n {{namespace}}`), or the next apply resets the workload to 1 pod. In Argo CD, add `ignoreDifferences` on `/spec/replicas` with `RespectIgnoreDifferences=true`. See hpa-target-static-replicas.',
    references: [
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling',
      'https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/',
    ],
    params: {
      window: { default: '1h', description: 'How far back scale events count (a Go duration).' },
      minDirectionChanges: {
        default: 3,
        description: 'Changes between scaling up and scaling down within the window that make a snap-back.',
      },
      ignoreManagers: {
        default: ['kube-controller-manager'],
        description: 'Field managers allowed to own spec.replicas of an HPA target.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const windowMs = parseDuration(params.window)
    const minChanges = Number(params.minDirectionChanges)
    const ignore = paramList(params.ignoreManagers)
    const since = now.getTime() - windowMs
    for (const w of scaledWorkloads(snapshot)) {
      // ScalingReplicaSet events are the Deployment controller's; other kinds leave no such trail.
      if (w.target.kind !== 'Deployment') continue
      const events = snapshot.eventsFor(w.target)
      if (events.length === 0) continue
      const byRs = new Map<string, Scale[]>()
      for (const e of events) {
        const r = e as Record<string, unknown>
        if (r.reason !== 'ScalingReplicaSet') continue
        const time = eventTime(e)
        const at = Date.parse(time)
        if (Number.isNaN(at) || at < since) continue
        const text = typeof r.message === 'string' ? r.message : typeof r.note === 'string' ? r.note : ''
        const m = SCALED.exec(text)
        if (!m) continue
        const count = typeof r.count === 'number' && r.count > 1 ? r.count : 1
        const list = byRs.get(m[2]!)
        const s: Scale = { up: m[1] === 'up', to: Number(m[3]), count, time, event: e }
        if (list) list.push(s)
        else byRs.set(m[2]!, [s])
      }
      if (byRs.size === 0) continue
      let best: { rs: string; changes: number; scales: Scale[] } | undefined
      for (const [rs, scales] of byRs) {
        const changes = directionChanges(scales)
        if (!best || changes > best.changes) best = { rs, changes, scales }
      }
      if (!best || best.changes < minChanges) continue
      const st = staticReplicasOf(w.target, ignore)
      if (!st) continue
      // The snap-backs must land on the static value, or it is the HPA flapping on its own.
      if (!best.scales.some((s) => s.to === st.value)) continue
      const sizes = best.scales.map((s) => s.to)
      report({
        object: w.target,
        messageId: 'snapback',
        data: {
          target: refText(w.target),
          targetKind: w.target.kind.toLowerCase(),
          targetName: w.target.metadata.name,
          hpa: hpaNames(w.hpas),
          tool: st.tool,
          value: st.value,
          changes: best.changes,
          window: humanDuration(windowMs),
          low: Math.min(...sizes),
          high: Math.max(...sizes),
        },
        evidence: {
          replicaSet: best.rs,
          events: best.scales.slice(-4).map((s) => {
            const r = s.event as Record<string, unknown>
            return {
              reason: 'ScalingReplicaSet',
              message: clip(r.message ?? r.note),
              count: s.count,
              firstTimestamp: r.firstTimestamp,
              lastTimestamp: s.time,
            }
          }),
          static: st.evidence,
          hpa: w.hpas.map((h) => ({
            name: h.metadata.name,
            desiredReplicas: h.status?.desiredReplicas,
            currentReplicas: h.status?.currentReplicas,
          })),
        },
      })
    }
  },
})
