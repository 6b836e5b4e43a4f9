import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { eventTime } from '../snapshot/snapshot.js'
import { clip, conditionEvidence, conditionOf, humanDuration, nodeEvents, parseDuration } from './lib/k8s.js'

// Readiness changes as events record them: the kubelet records both, and the node lifecycle
// controller records NodeNotReady too, so one change can appear twice, once per reporter.
const NOT_READY = 'NodeNotReady'
const READY = 'NodeReady'
// Events that often explain a flapping node: it rebooted, ran out of memory or disk, or the runtime struggled.
const CAUSES = new Set([
  'Rebooted',
  'SystemOOM',
  'NodeHasInsufficientMemory',
  'NodeHasDiskPressure',
  'NodeHasInsufficientPID',
  'ContainerGCFailed',
  'ImageGCFailed',
  'FreeDiskSpaceFailed',
  'EvictionThresholdMet',
  'Starting',
  'KubeletSetupFailed',
])
const MAX_EVENTS = 5

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? v : undefined
}

function timeMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : t
}

/**
 * How many times an event happened inside [start, end]. An aggregated event says only its count, its
 * first and its last time: when the window cuts through that span, the repeats are taken as evenly
 * spread (at least the last one is inside).
 */
function occurrencesIn(e: KubeObject, start: number, end: number): number {
  const r = e as Loose
  const last = Math.min(timeMs(eventTime(e)) ?? NaN, end)
  if (!(last >= start)) return 0
  const n = num(r.series?.count) ?? num(r.count) ?? num(r.deprecatedCount) ?? 1
  const first = timeMs(r.firstTimestamp) ?? timeMs(r.deprecatedFirstTimestamp) ?? timeMs(r.eventTime) ?? last
  if (first >= start || last <= first) return n
  return Math.max(1, Math.round((n * (last - start)) / (last - first)))
}

function reporterOf(e: KubeObject): string {
  const r = e as Loose
  const c =
    r.source?.component ?? r.reportingComponent ?? r.reportingController ?? r.deprecatedSource?.component
  return typeof c === 'string' ? c : ''
}

export default defineDetector({
  meta: {
    id: 'node-readiness-flapping',
    title: 'Node keeps switching between Ready and NotReady',
    description:
      'A node that goes NotReady and back several times in a few minutes is unstable: its kubelet keeps losing contact with the control plane, or its container runtime keeps failing. Each time, its pods drop out of Service endpoints and may be evicted and rescheduled, so users see errors while the node looks fine between episodes.',
    severity: 'warning',
    category: 'node',
    requires: ['v1/Node'],
    requiresAny: ['v1/Event', 'events.k8s.io/v1/Event'],
    messages: {
      flapping:
        'Node {{name}} changed readiness {{transitions}} times in the last {{window}} ({{notReady}} times NotReady, {{ready}} times Ready): it keeps dropping out, and each time its pods stop receiving traffic and may be evicted.',
    },
    remediation:
      'Look at the node and what it reported: `kubectl describe node {{name}}` (Conditions: the Ready message, such as "PLEG is not healthy" or "container runtime is down") and `kubectl get events -A --field-selector involvedObject.name={{name}} --sort-by=.lastTimestamp`. On the machine, read the kubelet and runtime logs (`journalctl -u kubelet -u containerd --since "1 hour ago"`) and check memory, disk, CPU saturation and the network path to the API server. While you investigate, keep new pods off it: `kubectl cordon {{name}}`; if it does not settle, drain and replace it: `kubectl drain {{name}} --ignore-daemonsets --delete-emptydir-data`.',
    references: [
      'https://kubernetes.io/docs/concepts/architecture/nodes/#condition',
      'https://kubernetes.io/docs/concepts/architecture/nodes/#node-status',
    ],
    params: {
      window: { default: '15m', description: 'How far back to count readiness changes.' },
      transitions: {
        default: 2,
        description:
          'The detector fires when the node changed readiness more times than this within the window.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const window = parseDuration(params.window)
    const limit = Number(params.transitions)
    const end = now.getTime()
    const start = end - window
    for (const node of snapshot.list('v1/Node')) {
      const events = nodeEvents(snapshot, node)
      if (events.length === 0) continue
      // Per reporter, so that the kubelet's and the controller's record of one change count once.
      let notReady: Map<string, number> | undefined
      let ready: Map<string, number> | undefined
      const seen: KubeObject[] = []
      const causes = new Map<string, KubeObject>()
      for (const e of events) {
        const reason = (e as Loose).reason
        const isChange = reason === NOT_READY || reason === READY
        if (!isChange && !CAUSES.has(reason)) continue
        const n = occurrencesIn(e, start, end)
        if (n === 0) continue
        if (!isChange) {
          causes.set(reason, e)
          continue
        }
        const m = reason === NOT_READY ? (notReady ??= new Map()) : (ready ??= new Map())
        const who = reporterOf(e)
        m.set(who, (m.get(who) ?? 0) + n)
        seen.push(e)
      }
      const down = notReady ? Math.max(...notReady.values()) : 0
      const up = ready ? Math.max(...ready.values()) : 0
      if (down + up <= limit) continue
      const readyCond = conditionOf(node, 'Ready')
      const evidence: Record<string, unknown> = {
        transitions: down + up,
        toNotReady: down,
        toReady: up,
        window: humanDuration(window),
        events: seen.slice(-MAX_EVENTS).map((e) => {
          const r = e as Loose
          const out: Record<string, unknown> = { reason: r.reason, message: clip(r.message ?? r.note) }
          const count = num(r.series?.count) ?? num(r.count) ?? num(r.deprecatedCount)
          if (count) out.count = count
          const reporter = reporterOf(e)
          if (reporter) out.reporter = reporter
          out.lastTimestamp = eventTime(e)
          return out
        }),
      }
      if (readyCond) evidence.readyCondition = conditionEvidence(readyCond, now)
      if (causes.size)
        evidence.relatedEvents = [...causes.values()].map((e) => {
          const r = e as Loose
          return { reason: r.reason, message: clip(r.message ?? r.note, 200), lastTimestamp: eventTime(e) }
        })
      report({
        object: node,
        messageId: 'flapping',
        data: { transitions: down + up, window: humanDuration(window), notReady: down, ready: up },
        evidence,
      })
    }
  },
})
