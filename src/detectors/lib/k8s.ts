import { parseQuantity as parseQuantityText } from '../../core/quantity.js'
import type { KubeObject } from '../../core/types.js'
import { eventTime, type Snapshot } from '../../snapshot/snapshot.js'

// Specs and statuses are untyped JSON; these helpers hand them on as they are.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

/** A status condition as Kubernetes writes it. */
export interface Condition {
  type: string
  status: 'True' | 'False' | 'Unknown' | string
  reason?: string
  message?: string
  lastTransitionTime?: string
  lastHeartbeatTime?: string
  lastUpdateTime?: string
}

/** The object's `status.conditions`, or an empty list. */
export function conditionsOf(obj: KubeObject): Condition[] {
  const c = obj.status?.conditions
  if (!Array.isArray(c)) return []
  const out: Condition[] = []
  for (const x of c) if (x && typeof x.type === 'string') out.push(wellTyped(x))
  return out
}

/** One condition by type. */
export function conditionOf(obj: KubeObject, type: string): Condition | undefined {
  // A loop rather than conditionsOf().find(): it runs once per pod on fleets of many pods.
  const list = obj.status?.conditions
  if (!Array.isArray(list)) return undefined
  for (const c of list) if (c && c.type === type) return wellTyped(c)
  return undefined
}

const CONDITION_TEXT = [
  'status',
  'reason',
  'message',
  'lastTransitionTime',
  'lastHeartbeatTime',
  'lastUpdateTime',
]

// A hand-written manifest can hold anything: a field of the wrong type reads as absent, so no
// detector trips over it. Copies only in that rare case.
function wellTyped(c: Loose): Condition {
  for (const f of CONDITION_TEXT)
    if (c[f] !== undefined && typeof c[f] !== 'string') {
      const copy: Loose = { type: c.type }
      for (const g of CONDITION_TEXT) if (typeof c[g] === 'string') copy[g] = c[g]
      return copy as Condition
    }
  return c as Condition
}

/** Milliseconds from an RFC 3339 time to `now`; undefined when the time is missing or unreadable. */
export function ageMs(time: unknown, now: Date): number | undefined {
  if (typeof time !== 'string' || !time) return undefined
  const t = Date.parse(time)
  return Number.isNaN(t) ? undefined : now.getTime() - t
}

/** A duration for people: `3d4h`, `2h5m`, `45m`, `30s`. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return `${d}d${h ? `${h}h` : ''}`
  if (h > 0) return `${h}h${m ? `${m}m` : ''}`
  if (m > 0) return `${m}m`
  return `${s}s`
}

/** The evidence a condition contributes: its fields and its age. */
export function conditionEvidence(c: Condition, now: Date): Record<string, unknown> {
  const age = ageMs(c.lastTransitionTime, now)
  const e: Record<string, unknown> = { type: c.type, status: c.status }
  if (c.reason) e.reason = c.reason
  if (c.message) e.message = c.message
  if (c.lastTransitionTime) e.lastTransitionTime = c.lastTransitionTime
  if (age !== undefined) e.for = humanDuration(age)
  return e
}

/** Container statuses of a pod (init, regular and ephemeral), each tagged with its list. */
export function containerStatusesOf(
  pod: KubeObject,
): { name: string; init: boolean; status: Record<string, Loose> }[] {
  const out: { name: string; init: boolean; status: Record<string, Loose> }[] = []
  const st = pod.status
  if (!st) return out
  for (const [field, init] of [
    ['initContainerStatuses', true],
    ['containerStatuses', false],
  ] as const) {
    const list = st[field]
    if (!Array.isArray(list)) continue
    for (const s of list) if (s && typeof s.name === 'string') out.push({ name: s.name, init, status: s })
  }
  return out
}

/** Containers of a pod spec (init and regular). */
export function containersOf(podSpec: Loose): { name: string; init: boolean; spec: Record<string, Loose> }[] {
  const out: { name: string; init: boolean; spec: Record<string, Loose> }[] = []
  if (!podSpec || typeof podSpec !== 'object') return out
  for (const c of Array.isArray(podSpec.initContainers) ? podSpec.initContainers : [])
    if (c && typeof c.name === 'string') out.push({ name: c.name, init: true, spec: c })
  for (const c of Array.isArray(podSpec.containers) ? podSpec.containers : [])
    if (c && typeof c.name === 'string') out.push({ name: c.name, init: false, spec: c })
  return out
}

/** The pod template spec of a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob). */
export function podTemplateSpecOf(obj: KubeObject): Loose {
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.spec
  if (obj.kind === 'Pod') return obj.spec
  return obj.spec?.template?.spec
}

/** Shortens a message for evidence so a long kubelet message cannot bloat a report. */
export function clip(text: unknown, max = 300): string | undefined {
  if (typeof text !== 'string') return undefined
  return text.length > max ? text.slice(0, max) + '…' : text
}

/** Parses a Kubernetes quantity (`500m`, `2Gi`, `1.5`) to a number (cores, bytes); NaN when unreadable. */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q
  if (typeof q !== 'string') return NaN
  return parseQuantityText(q) ?? NaN
}

/** Events of an object with one of the given reasons, newest last. */
export function eventsWithReason(events: KubeObject[], reasons: string[]): KubeObject[] {
  return events.filter((e) => reasons.includes((e as Record<string, unknown>).reason as string))
}

/** The evidence an event contributes. */
export function eventEvidence(e: KubeObject): Record<string, unknown> {
  const r = e as Record<string, Loose>
  const out: Record<string, unknown> = { reason: r.reason, message: clip(r.message ?? r.note) }
  if (r.count) out.count = r.count
  const last = r.lastTimestamp ?? r.eventTime
  if (last) out.lastTimestamp = last
  return out
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses a Go-style duration (`90s`, `15m`, `1h30m`, `7d`) to milliseconds; throws on anything else. */
export function parseDuration(text: string | number | boolean | string[] | undefined): number {
  if (typeof text === 'number') return text
  const s = String(text).trim()
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy
  let total = 0
  let m: RegExpExecArray | null
  let end = 0
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNIT_MS[m[2] as string]!
    end = re.lastIndex
  }
  if (!s || end !== s.length)
    throw new Error(`invalid duration ${JSON.stringify(text)} (use e.g. 90s, 15m, 1h30m, 7d)`)
  return total
}

/** The state of a container as the kubelet reports it (`state` or `lastState`). */
export interface ContainerState {
  waiting?: { reason?: string; message?: string }
  running?: { startedAt?: string }
  terminated?: {
    reason?: string
    message?: string
    exitCode?: number
    signal?: number
    startedAt?: string
    finishedAt?: string
  }
}

/** One entry of a pod's `status.containerStatuses` or `status.initContainerStatuses`. */
export interface ContainerStatus {
  name: string
  image?: string
  ready?: boolean
  started?: boolean
  restartCount?: number
  state?: ContainerState
  lastState?: ContainerState
}

/**
 * Calls `fn` for each container status of a pod, init containers first, without allocating:
 * detectors run this over every pod of a fleet.
 */
export function forEachContainerStatus(
  pod: KubeObject,
  fn: (s: ContainerStatus, init: boolean) => void,
): void {
  const st = pod.status
  if (!st) return
  const init = st.initContainerStatuses
  if (Array.isArray(init))
    for (const s of init) if (s && typeof s.name === 'string') fn(s as ContainerStatus, true)
  const regular = st.containerStatuses
  if (Array.isArray(regular))
    for (const s of regular) if (s && typeof s.name === 'string') fn(s as ContainerStatus, false)
}

/** The spec of a container by name (regular, init or ephemeral), from a pod spec. */
export function containerSpecOf(podSpec: Loose, name: string): Record<string, Loose> | undefined {
  if (!podSpec || typeof podSpec !== 'object') return undefined
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    const list = podSpec[field]
    if (Array.isArray(list)) for (const c of list) if (c && c.name === name) return c
  }
  return undefined
}

/** Whether an init container is a native sidecar (`restartPolicy: Always`): it keeps running beside the app. */
export function isSidecar(containerSpec: Record<string, Loose> | undefined): boolean {
  return containerSpec?.restartPolicy === 'Always'
}

/** The evidence a container state contributes (`waiting`, `running` or `terminated`, messages clipped). */
export function stateEvidence(state: ContainerState | undefined): Record<string, unknown> | undefined {
  if (!state) return undefined
  if (state.waiting)
    return { waiting: { reason: state.waiting.reason, message: clip(state.waiting.message) } }
  if (state.terminated) {
    const t = state.terminated
    const out: Record<string, unknown> = { reason: t.reason, exitCode: t.exitCode }
    if (t.signal !== undefined) out.signal = t.signal
    if (t.message) out.message = clip(t.message)
    if (t.startedAt) out.startedAt = t.startedAt
    if (t.finishedAt) out.finishedAt = t.finishedAt
    return { terminated: out }
  }
  if (state.running) return { running: { startedAt: state.running.startedAt } }
  return undefined
}

/** A taint as Kubernetes writes it. */
export interface Taint {
  key: string
  value?: string
  effect?: string
  timeAdded?: string
}

/** A node's taint by key. */
export function taintOf(node: KubeObject, key: string): Taint | undefined {
  const list = node.spec?.taints
  if (!Array.isArray(list)) return undefined
  for (const t of list) if (t && t.key === key) return t as Taint
  return undefined
}

/**
 * Events about a node. The kubelet records them with the node's name as uid, and some reporters
 * also set `involvedObject.namespace: default`, so look under both identities.
 */
export function nodeEvents(snapshot: Snapshot, node: KubeObject): KubeObject[] {
  const own = snapshot.eventsFor(node)
  const alias: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: node.metadata.name, namespace: 'default', uid: node.metadata.name },
  }
  const kubelet = snapshot.eventsFor(alias)
  if (kubelet.length === 0) return own
  if (own.length === 0) return kubelet
  return [...new Set([...own, ...kubelet])].sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
}

/** The newest event with one of the given reasons, if any. */
export function lastEventWithReason(
  events: readonly KubeObject[],
  reasons: readonly string[],
): KubeObject | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as KubeObject
    if (reasons.includes((e as Record<string, unknown>).reason as string)) return e
  }
  return undefined
}

/**
 * The evidence of a node condition problem: the condition, the taint the node lifecycle controller
 * put on the node for it, and the newest kubelet event with one of `eventReasons`.
 */
export function nodeConditionEvidence(
  snapshot: Snapshot,
  node: KubeObject,
  condition: Condition,
  now: Date,
  taintKey: string,
  eventReasons: readonly string[],
): Record<string, unknown> {
  const evidence: Record<string, unknown> = { condition: conditionEvidence(condition, now) }
  const taint = taintOf(node, taintKey)
  if (taint) evidence.taint = { key: taint.key, effect: taint.effect }
  if (eventReasons.length > 0) {
    const e = lastEventWithReason(nodeEvents(snapshot, node), eventReasons)
    if (e) evidence.event = eventEvidence(e)
  }
  return evidence
}

/** A quantity of bytes for people, in binary units: `512Mi`, `15.5Gi`. */
export function humanBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '?'
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi']
  let v = bytes
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${Number.isInteger(v) ? v : Number(v.toFixed(1))}${units[i]}`
}

/** The conditions of an HPA: `status.conditions` (v2), or the JSON annotation that autoscaling/v1 keeps them in. */
export function hpaConditionsOf(hpa: KubeObject): Condition[] {
  const c = conditionsOf(hpa)
  if (c.length > 0) return c
  const raw = hpa.metadata.annotations?.['autoscaling.alpha.kubernetes.io/conditions']
  if (typeof raw !== 'string') return []
  try {
    const parsed: unknown = JSON.parse(raw)
    return Array.isArray(parsed)
      ? parsed.filter((x): x is Condition => !!x && typeof x.type === 'string')
      : []
  } catch {
    return []
  }
}

/** `Kind/name` of an HPA's scale target, for messages. */
export function scaleTargetOf(hpa: KubeObject): string {
  const t = hpa.spec?.scaleTargetRef
  return t?.kind && t?.name ? `${t.kind}/${t.name}` : 'an unnamed target'
}

/** A list parameter: a list as configured, or a comma-separated string (from a flag or an environment variable). */
export function paramList(value: string | number | boolean | string[] | undefined): string[] {
  if (Array.isArray(value)) return value.map(String)
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  return []
}
