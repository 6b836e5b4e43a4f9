import type { KubeObject } from '../../core/types.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import { matchesMapSelector, matchesSelector, type LabelSelector } from '../../snapshot/selectors.js'
import { ageMs, conditionOf, forEachContainerStatus } from './k8s.js'
import { WORKLOAD_KINDS, podTemplates, type PodTemplate } from './workloads.js'

// Specs and statuses are untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

/** Kind key of Services. */
export const SERVICE = 'v1/Service'
/** Kind key of Pods. */
export const POD = 'v1/Pod'
/** Kind key of Nodes (to tell a pod on a dead node). */
export const NODE = 'v1/Node'
/** Kind key of EndpointSlices. */
export const ENDPOINT_SLICE = 'discovery.k8s.io/v1/EndpointSlice'
/** Kind key of the older v1 Endpoints. */
export const ENDPOINTS = 'v1/Endpoints'
/** Kind key of Ingresses (v1beta1 objects of the same group are indexed with them). */
export const INGRESS = 'networking.k8s.io/v1/Ingress'
/** Kind key of IngressClasses. */
export const INGRESS_CLASS = 'networking.k8s.io/v1/IngressClass'
/** Kind key of Secrets: only their existence is ever looked at. */
export const SECRET = 'v1/Secret'
/** Kind key of NetworkPolicies. */
export const NETWORK_POLICY = 'networking.k8s.io/v1/NetworkPolicy'
/** Where ready endpoints come from: EndpointSlices, or the older Endpoints objects. */
export const ENDPOINT_KINDS: string[] = [ENDPOINT_SLICE, ENDPOINTS]
/** Workload kinds with pod templates, without Pod: declared beside `v1/Pod` by detectors that read templates. */
export const TEMPLATE_KINDS: string[] = WORKLOAD_KINDS.filter((k) => k !== POD)

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name'
const TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time'
const EMPTY: readonly KubeObject[] = Object.freeze([])
const BATCH_OR_POD = new Set(['Pod', 'Job', 'CronJob'])
const APP_NAME_LABELS = new Set(['app', 'app.kubernetes.io/name', 'k8s-app', 'name'])

/** A not-ready endpoint of a Service, as EndpointSlices or Endpoints list it. */
export interface Endpoint {
  /** The pod behind it (targetRef kind Pod), when named. */
  pod?: string
  address?: string
  node?: string
}

/** The endpoints of one Service: of one address family on dual-stack Services, each pod once. */
export interface ServiceEndpoints {
  ready: number
  /** Endpoints that are neither ready nor terminating. */
  notReady: Endpoint[]
  terminating: number
  /** The newest `endpoints.kubernetes.io/last-change-trigger-time`: when the endpoints last changed. */
  lastChange?: string
  source: 'EndpointSlice' | 'Endpoints'
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined
}

function newer(a: string | undefined, b: unknown): string | undefined {
  const s = str(b)
  if (!s) return a
  return !a || s > a ? s : a
}

function podOf(ref: Loose): string | undefined {
  return ref && typeof ref === 'object' && ref.kind === 'Pod' && typeof ref.name === 'string'
    ? ref.name
    : undefined
}

function emptySummary(source: ServiceEndpoints['source']): ServiceEndpoints {
  return { ready: 0, notReady: [], terminating: 0, source }
}

// Ready endpoints are only counted: a healthy fleet has hundreds of thousands, and only the few
// that are not ready are worth an object.
function fromSlices(slices: readonly KubeObject[]): ServiceEndpoints {
  // Slices of one address type partition the endpoints; a dual-stack Service lists each pod once per
  // address type, so count per type and keep the fullest.
  let byType: Map<string, ServiceEndpoints> | undefined
  let only: ServiceEndpoints | undefined
  let onlyType: string | undefined
  let lastChange: string | undefined
  for (const slice of slices) {
    lastChange = newer(lastChange, slice.metadata.annotations?.[TRIGGER_TIME])
    const type = typeof slice.addressType === 'string' ? slice.addressType : 'IPv4'
    let e: ServiceEndpoints
    if (!only) {
      only = e = emptySummary('EndpointSlice')
      onlyType = type
    } else if (type === onlyType && !byType) e = only
    else {
      byType ??= new Map([[onlyType as string, only]])
      e = byType.get(type) ?? emptySummary('EndpointSlice')
      byType.set(type, e)
    }
    const eps: Loose = slice.endpoints
    if (!Array.isArray(eps)) continue
    for (const ep of eps) {
      if (!ep || typeof ep !== 'object') continue
      const c = ep.conditions
      // The API: a nil `ready` is to be read as true.
      if (!c || typeof c !== 'object' || c.ready !== false) {
        e.ready++
        continue
      }
      if (c.terminating === true) {
        e.terminating++
        continue
      }
      const endpoint: Endpoint = {}
      const pod = podOf(ep.targetRef)
      if (pod) endpoint.pod = pod
      const address = Array.isArray(ep.addresses) ? str(ep.addresses[0]) : undefined
      if (address) endpoint.address = address
      if (str(ep.nodeName)) endpoint.node = ep.nodeName
      e.notReady.push(endpoint)
    }
  }
  let best = only ?? emptySummary('EndpointSlice')
  if (byType)
    for (const e of byType.values())
      if (e.ready + e.notReady.length + e.terminating > best.ready + best.notReady.length + best.terminating)
        best = e
  if (lastChange) best.lastChange = lastChange
  return best
}

function fromEndpoints(obj: KubeObject): ServiceEndpoints {
  const e = emptySummary('Endpoints')
  const lastChange = str(obj.metadata.annotations?.[TRIGGER_TIME])
  if (lastChange) e.lastChange = lastChange
  const subsets: Loose = (obj as Loose).subsets
  if (!Array.isArray(subsets)) return e
  // A pod appears in several subsets only when pods differ in ports: dedupe only then.
  const seen = subsets.length > 1 ? new Set<string>() : undefined
  for (const sub of subsets) {
    if (!sub || typeof sub !== 'object') continue
    for (const ready of [true, false]) {
      const list = sub[ready ? 'addresses' : 'notReadyAddresses']
      if (!Array.isArray(list)) continue
      for (const a of list) {
        if (!a || typeof a !== 'object') continue
        if (seen) {
          const id = a.targetRef?.uid ?? a.targetRef?.name ?? a.ip
          if (typeof id === 'string') {
            if (seen.has(id)) continue
            seen.add(id)
          }
        }
        if (ready) {
          e.ready++
          continue
        }
        const endpoint: Endpoint = {}
        const pod = podOf(a.targetRef)
        if (pod) endpoint.pod = pod
        if (str(a.ip)) endpoint.address = a.ip
        if (str(a.nodeName)) endpoint.node = a.nodeName
        e.notReady.push(endpoint)
      }
    }
  }
  return e
}

// Which EndpointSlices and Endpoints belong to which Service; summaries are computed on demand.
class EndpointIndex {
  private readonly slices = new Map<string, KubeObject[]>()
  private readonly endpoints = new Map<string, KubeObject>()
  private readonly summaries = new Map<string, ServiceEndpoints | undefined>()

  constructor(snapshot: Snapshot) {
    if (snapshot.has(ENDPOINT_SLICE))
      for (const slice of snapshot.list(ENDPOINT_SLICE)) {
        const svc = str(slice.metadata.labels?.[SERVICE_NAME_LABEL])
        if (!svc) continue
        const key = `${slice.metadata.namespace ?? ''}/${svc}`
        const l = this.slices.get(key)
        if (l) l.push(slice)
        else this.slices.set(key, [slice])
      }
    if (snapshot.has(ENDPOINTS))
      for (const obj of snapshot.list(ENDPOINTS))
        this.endpoints.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj)
  }

  get(key: string): ServiceEndpoints | undefined {
    if (this.summaries.has(key)) return this.summaries.get(key)
    const slices = this.slices.get(key)
    const ep = this.endpoints.get(key)
    const out = slices ? fromSlices(slices) : ep ? fromEndpoints(ep) : undefined
    this.summaries.set(key, out)
    return out
  }
}

/**
 * The endpoints of a Service, from its EndpointSlices (`kubernetes.io/service-name` label) or, when
 * no slice names it, its v1 Endpoints; undefined when neither exists. Memoized; a detector using it
 * declares both {@link ENDPOINT_KINDS}.
 */
export function endpointsOf(
  snapshot: Snapshot,
  namespace: string,
  name: string,
): ServiceEndpoints | undefined {
  return snapshot.memo('networking/endpoints', () => new EndpointIndex(snapshot)).get(`${namespace}/${name}`)
}

/** A Service's `spec.selector` when it is a non-empty map of strings; undefined for selector-less (or invalid) ones. */
export function serviceSelector(svc: KubeObject): Record<string, string> | undefined {
  const sel: Loose = svc.spec?.selector
  if (!sel || typeof sel !== 'object' || Array.isArray(sel)) return undefined
  let any = false
  for (const k in sel) {
    if (typeof sel[k] !== 'string') return undefined
    any = true
  }
  return any ? sel : undefined
}

/** An RFC 3339 time field, or undefined when absent or not a string. */
export function timeOf(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined
}

// Any JSON value as text for a message, whatever a hand-written manifest put there.
function text(v: unknown): string {
  if (typeof v === 'string') return v
  if (v !== null && typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** Whether a Service is of type ExternalName (a DNS alias: no pods, no endpoints). */
export function isExternalName(svc: KubeObject): boolean {
  return svc.spec?.type === 'ExternalName'
}

/** `app=web, tier=api`, for messages. */
export function selectorText(sel: Record<string, string> | undefined): string {
  if (!sel) return ''
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${text(v)}`)
    .join(', ')
}

/** One Service an Ingress routes to, with the route for messages (`shop.example.com/api`). */
export interface IngressBackend {
  service: string
  /** A port number or name; undefined when the backend names none. */
  port?: string | number
  route: string
}

const DIGITS = /^\d+$/

function backendOf(b: Loose, route: string): IngressBackend | undefined {
  if (!b || typeof b !== 'object') return undefined
  // networking.k8s.io/v1: service.{name, port.{number|name}}; v1beta1: serviceName, servicePort.
  if (b.service && typeof b.service === 'object') {
    if (typeof b.service.name !== 'string' || !b.service.name) return undefined
    const p = b.service.port
    const out: IngressBackend = { service: b.service.name, route }
    if (p && typeof p === 'object') {
      if (typeof p.number === 'number' && p.number > 0) out.port = p.number
      else if (typeof p.name === 'string' && p.name) out.port = p.name
    }
    return out
  }
  if (typeof b.serviceName === 'string' && b.serviceName) {
    const out: IngressBackend = { service: b.serviceName, route }
    const p = b.servicePort
    if (typeof p === 'number') out.port = p
    else if (typeof p === 'string' && p) out.port = DIGITS.test(p) ? Number(p) : p
    return out
  }
  return undefined
}

/** The Service backends of an Ingress: its default backend and every rule path (resource backends are skipped). */
export function ingressBackends(ing: KubeObject): IngressBackend[] {
  const out: IngressBackend[] = []
  const spec: Loose = ing.spec
  if (!spec || typeof spec !== 'object') return out
  const def = backendOf(
    spec.defaultBackend ?? spec.backend,
    'requests matching no rule (its default backend)',
  )
  if (def) out.push(def)
  if (Array.isArray(spec.rules))
    for (const r of spec.rules) {
      const paths = r?.http?.paths
      if (!Array.isArray(paths)) continue
      const host = typeof r.host === 'string' && r.host ? r.host : '*'
      for (const p of paths) {
        const b = backendOf(p?.backend, `${host}${typeof p?.path === 'string' ? p.path : '/'}`)
        if (b) out.push(b)
      }
    }
  return out
}

/** `app=web,tier=api`: a selector as `kubectl -l` takes it. */
export function selectorArg(sel: Record<string, string>): string {
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${text(v)}`)
    .join(',')
}

/** A LabelSelector for messages: its matchLabels and matchExpressions. */
export function labelSelectorText(sel: LabelSelector | undefined | null): string {
  if (!sel || typeof sel !== 'object') return '(none)'
  const parts: string[] = []
  const ml = sel.matchLabels
  if (ml && typeof ml === 'object') for (const [k, v] of Object.entries(ml)) parts.push(`${k}=${text(v)}`)
  const me = sel.matchExpressions
  if (Array.isArray(me))
    for (const e of me)
      if (e && typeof e === 'object')
        parts.push(
          `${text(e.key)} ${text(e.operator)}${Array.isArray(e.values) ? ` (${e.values.map(text).join(', ')})` : ''}`,
        )
  return parts.length ? parts.join(', ') : '(all pods)'
}

// Pods of one namespace (or of all) indexed by label value, one label key at a time and only for
// the keys selectors ask about (`app`, `app.kubernetes.io/name`…), not every label of every pod.
class LabelIndex {
  private readonly keys = new Map<string, Map<string, KubeObject[]>>()

  constructor(readonly all: readonly KubeObject[]) {}

  /** Pods by value of label `key`. */
  values(key: string): Map<string, KubeObject[]> {
    let byValue = this.keys.get(key)
    if (byValue) return byValue
    byValue = new Map()
    for (const p of this.all) {
      const labels = p.metadata.labels
      const v = labels && typeof labels === 'object' ? labels[key] : undefined
      if (typeof v !== 'string') continue
      const list = byValue.get(v)
      if (list) list.push(p)
      else byValue.set(v, [p])
    }
    this.keys.set(key, byValue)
    return byValue
  }
}

// Matching a Service's selector then costs its most selective label's pods, not the namespace's.
class PodLabels {
  private readonly byNs = new Map<string, LabelIndex>()
  private global: LabelIndex | undefined

  constructor(private readonly snapshot: Snapshot) {}

  inNamespace(ns: string): LabelIndex {
    let idx = this.byNs.get(ns)
    if (!idx) this.byNs.set(ns, (idx = new LabelIndex(this.snapshot.list(POD, ns))))
    return idx
  }

  everywhere(): LabelIndex {
    return (this.global ??= new LabelIndex(this.snapshot.list(POD)))
  }
}

function podLabels(snapshot: Snapshot): PodLabels {
  return snapshot.memo('networking/podLabels', () => new PodLabels(snapshot))
}

function candidates(idx: LabelIndex, labels: Record<string, unknown> | undefined): readonly KubeObject[] {
  let best: readonly KubeObject[] | undefined
  if (labels && typeof labels === 'object')
    for (const k in labels) {
      const v = labels[k]
      if (typeof v !== 'string') continue
      const list = idx.values(k).get(v)
      if (!list) return EMPTY
      if (!best || list.length < best.length) best = list
    }
  return best ?? idx.all
}

/** Pods a Service selector picks in its namespace (needs `v1/Pod` declared). */
export function podsForSelector(
  snapshot: Snapshot,
  namespace: string,
  selector: Record<string, string>,
): KubeObject[] {
  const idx = podLabels(snapshot).inNamespace(namespace)
  return candidates(idx, selector).filter((p) => matchesMapSelector(selector, p.metadata.labels))
}

/** Pods a LabelSelector (a NetworkPolicy's podSelector) picks in one namespace. */
export function podsForLabelSelector(
  snapshot: Snapshot,
  namespace: string,
  selector: LabelSelector,
): KubeObject[] {
  const idx = podLabels(snapshot).inNamespace(namespace)
  return candidates(idx, selector.matchLabels).filter((p) => matchesSelector(selector, p.metadata.labels))
}

/** Pods carrying these labels in namespaces other than `namespace`: a selector aimed at the wrong namespace. */
export function podsElsewhere(
  snapshot: Snapshot,
  namespace: string,
  selector: LabelSelector | Record<string, string>,
  map: boolean,
): KubeObject[] {
  const idx = podLabels(snapshot).everywhere()
  const ml = map ? (selector as Record<string, string>) : (selector as LabelSelector).matchLabels
  const out: KubeObject[] = []
  for (const p of candidates(idx, ml)) {
    if ((p.metadata.namespace ?? '') === namespace) continue
    const ok = map
      ? matchesMapSelector(selector as Record<string, string>, p.metadata.labels)
      : matchesSelector(selector as LabelSelector, p.metadata.labels)
    if (ok) out.push(p)
  }
  return out
}

/**
 * Pods of the namespace that carry every label of a map selector but one: the likely intended
 * targets of a selector with a typo or a stale version label. Empty for one-label selectors; a pod
 * whose application-name label (`app`, `app.kubernetes.io/name`…) differs is another application.
 */
export function nearMisses(
  snapshot: Snapshot,
  namespace: string,
  selector: Record<string, string>,
): { pod: KubeObject; label: string; has: string | undefined }[] {
  const keys = Object.keys(selector)
  if (keys.length < 2) return []
  const idx = podLabels(snapshot).inNamespace(namespace)
  const hits = new Map<KubeObject, number>()
  for (const k of keys) {
    const list = idx.values(k).get(selector[k] as string)
    if (list) for (const p of list) hits.set(p, (hits.get(p) ?? 0) + 1)
  }
  const out: { pod: KubeObject; label: string; has: string | undefined }[] = []
  for (const [p, n] of hits) {
    if (n !== keys.length - 1) continue
    const labels = p.metadata.labels ?? {}
    const label = keys.find((k) => labels[k] !== selector[k]) as string
    // A pod of another application is not what the selector meant.
    if (APP_NAME_LABELS.has(label) && typeof labels[label] === 'string') continue
    out.push({ pod: p, label, has: typeof labels[label] === 'string' ? labels[label] : undefined })
  }
  return out
}

/** Whether a pod is in a terminal phase (its containers will not run again). */
export function isTerminal(pod: KubeObject): boolean {
  const phase = pod.status?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

/** Whether the pod's Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return conditionOf(pod, 'Ready')?.status === 'True'
}

/**
 * Why a pod is not ready, in a few words: terminating, finished, unschedulable, a container's
 * waiting reason, a failing readiness probe, or its node being NotReady (when `nodeReady` can tell).
 */
export function whyNotReady(pod: KubeObject, nodeReady?: (node: string) => boolean | undefined): string {
  if (pod.metadata.deletionTimestamp) return 'terminating'
  const phase = pod.status?.phase
  if (phase === 'Succeeded' || phase === 'Failed') {
    const r = str(pod.status?.reason)
    return `finished (${String(phase)}${r ? `, ${r}` : ''})`
  }
  const sched = conditionOf(pod, 'PodScheduled')
  if (sched && sched.status === 'False') return `not scheduled (${sched.reason ?? 'Unschedulable'})`
  const nodeName = str(pod.spec?.nodeName)
  if (nodeName && nodeReady && nodeReady(nodeName) === false) return `its node ${nodeName} is NotReady`
  let waiting: string | undefined
  let unready: string | undefined
  forEachContainerStatus(pod, (s, init) => {
    if (waiting) return
    const w = s.state?.waiting?.reason
    if (typeof w === 'string' && w) waiting = `${w} (${init ? 'init container' : 'container'} ${s.name})`
    else if (!init && s.ready === false && s.state?.running && !unready)
      unready = `readiness probe failing (container ${s.name})`
  })
  if (waiting) return waiting
  if (unready) return unready
  const ready = conditionOf(pod, 'Ready')
  if (ready && ready.status !== 'True') return ready.reason ?? 'not ready'
  if (!pod.status) return 'no status reported'
  return phase === 'Pending' ? 'pending' : 'not ready'
}

/** Tells, per node name, whether the node is Ready (undefined when unknown); needs `v1/Node` declared. */
export function nodeReadiness(snapshot: Snapshot): (node: string) => boolean | undefined {
  if (!snapshot.has(NODE)) return () => undefined
  return (name) => {
    const n = snapshot.get(NODE, undefined, name)
    if (!n) return undefined
    const c = conditionOf(n, 'Ready')
    return c ? c.status === 'True' : undefined
  }
}

/** Pod templates of a namespace whose labels a Service selector (map) or a LabelSelector matches. */
export function templatesFor(
  snapshot: Snapshot,
  namespace: string,
  match: (labels: Record<string, string>) => boolean,
): PodTemplate[] {
  const byNs = snapshot.memo('networking/templatesByNs', () => {
    const m = new Map<string, PodTemplate[]>()
    for (const t of podTemplates(snapshot)) {
      const l = m.get(t.namespace)
      if (l) l.push(t)
      else m.set(t.namespace, [t])
    }
    return m
  })
  const list = byNs.get(namespace)
  return list ? list.filter((t) => match(t.labels)) : []
}

/** Whether a workload is deliberately scaled to zero (spec.replicas 0). */
export function scaledToZero(owner: KubeObject): boolean {
  return owner.kind !== 'Pod' && owner.spec?.replicas === 0
}

/** `Kind/name`, for messages. */
export function kindName(o: KubeObject): string {
  return `${o.kind}/${o.metadata.name}`
}

/** Names for a message: the first `max`, then "and N more". */
export function nameList(names: string[], max = 3): string {
  if (names.length <= max) return names.join(', ')
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`
}

/** Milliseconds since the newest of several RFC 3339 times; undefined when none is readable. */
export function sinceNewest(now: Date, ...times: unknown[]): number | undefined {
  let best: number | undefined
  for (const t of times) {
    const a = ageMs(typeof t === 'string' ? t : undefined, now)
    if (a !== undefined && (best === undefined || a < best)) best = a
  }
  return best
}

/**
 * The likely intended targets of a Service selector that matches nothing: pods with the same
 * labels in other namespaces (a Service only selects in its own), or pods here that differ in
 * one label. `text` is empty when there is no such pod.
 */
export function selectorHints(
  snapshot: Snapshot,
  namespace: string,
  selector: Record<string, string>,
): { text: string; evidence: Record<string, unknown> } {
  const evidence: Record<string, unknown> = {}
  const parts: string[] = []
  const elsewhere = podsElsewhere(snapshot, namespace, selector, true)
  if (elsewhere.length > 0) {
    const nss = [...new Set(elsewhere.map((p) => p.metadata.namespace ?? ''))]
    parts.push(
      `pods with these labels run in namespace ${nameList(nss)}, but a Service only selects pods of its own namespace`,
    )
    evidence.sameLabelsElsewhere = elsewhere
      .slice(0, 5)
      .map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`)
  }
  const near = nearMisses(snapshot, namespace, selector)
  if (near.length > 0) {
    const first = near[0] as (typeof near)[number]
    parts.push(
      first.has === undefined
        ? `pod ${first.pod.metadata.name} has the other labels but no ${first.label} label`
        : `pod ${first.pod.metadata.name} has ${first.label}=${first.has}, not ${first.label}=${selector[first.label]}`,
    )
    evidence.nearMisses = near.slice(0, 5).map((n) => ({
      pod: n.pod.metadata.name,
      label: n.label,
      wanted: selector[n.label],
      has: n.has ?? null,
    }))
  }
  return { text: parts.join('; '), evidence }
}

/** What the snapshot shows about why a selector Service has no ready endpoint. */
export interface NoEndpointCause {
  /**
   * `noPods`: the selector matches no pod and no workload template; `notCreated`: a workload's
   * template matches, but none of its pods exist; `scaledToZero`: the matching workloads are at 0
   * replicas; `podsNotReady`: pods exist, none Ready; `stale`: pods are Ready but not listed;
   * `unknown`: pods were not collected.
   */
  cause: 'noPods' | 'notCreated' | 'scaledToZero' | 'podsNotReady' | 'stale' | 'unknown'
  /** Data for messages: `pods` (names and why), `podCount`, `workloads`, `selector`. */
  data: Record<string, string | number>
  evidence: Record<string, unknown>
  /** When the selected pods last changed readiness (their Ready conditions' lastTransitionTime). */
  readyChanges: string[]
}

/**
 * Explains a selector Service without ready endpoints from its pods and workload templates.
 * Needs `v1/Pod`, {@link TEMPLATE_KINDS} and `v1/Node` declared (optional is enough).
 */
export function explainNoEndpoints(
  snapshot: Snapshot,
  svc: KubeObject,
  selector: Record<string, string>,
): NoEndpointCause {
  const ns = svc.metadata.namespace ?? ''
  const data: Record<string, string | number> = { selector: selectorText(selector) }
  const evidence: Record<string, unknown> = { selector }
  const readyChanges: string[] = []
  const pods = snapshot.has(POD) ? podsForSelector(snapshot, ns, selector) : undefined
  if (pods && pods.length > 0) {
    for (const p of pods) {
      const t = conditionOf(p, 'Ready')?.lastTransitionTime
      if (t) readyChanges.push(t)
    }
    const ready = pods.filter(isPodReady)
    if (ready.length > 0) {
      data.pods = nameList(ready.map((p) => p.metadata.name))
      evidence.readyPods = ready.slice(0, 5).map((p) => p.metadata.name)
      return { cause: 'stale', data, evidence, readyChanges }
    }
    const nodeReady = nodeReadiness(snapshot)
    const why = pods.map((p) => ({ pod: p.metadata.name, why: whyNotReady(p, nodeReady) }))
    data.pods = nameList(why.map((w) => `${w.pod}: ${w.why}`))
    data.podCount = pods.length
    evidence.pods = why.slice(0, 5)
    if (pods.length > 5) evidence.morePods = pods.length - 5
    return { cause: 'podsNotReady', data, evidence, readyChanges }
  }
  const templates = templatesFor(snapshot, ns, (l) => matchesMapSelector(selector, l))
  // Jobs' pods come and go by design; a Deployment or StatefulSet is expected to keep its pods.
  const owners = templates.map((t) => t.owner).filter((o) => !BATCH_OR_POD.has(o.kind))
  if (owners.length > 0) {
    data.workloads = nameList(owners.map(kindName))
    evidence.workloads = owners.slice(0, 5).map((o) => ({
      kind: o.kind,
      name: o.metadata.name,
      replicas: o.spec?.replicas,
    }))
    if (owners.every(scaledToZero)) return { cause: 'scaledToZero', data, evidence, readyChanges }
    if (pods) return { cause: 'notCreated', data, evidence, readyChanges }
  }
  if (!pods) return { cause: 'unknown', data, evidence, readyChanges }
  const hints = selectorHints(snapshot, ns, selector)
  data.hint = hints.text ? ` (${hints.text})` : ''
  Object.assign(evidence, hints.evidence)
  return { cause: 'noPods', data, evidence, readyChanges }
}

// ---- Fixture builders for the networking detectors' test cases ----

const T_FIXTURE = '2026-01-01T00:00:00Z'

/** A Service for test cases: ClusterIP on port 80 → 8080 selecting `app: <name>` unless told otherwise. */
export function service(
  name: string,
  opts: {
    namespace?: string
    selector?: Record<string, string> | null
    type?: string
    ports?: Record<string, unknown>[]
    created?: string
    status?: Record<string, unknown> | null
    spec?: Record<string, unknown>
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const selector = opts.selector === undefined ? { app: name } : opts.selector
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-service-${ns}-${name}`,
      creationTimestamp: opts.created ?? T_FIXTURE,
    },
    spec: {
      type: opts.type ?? 'ClusterIP',
      ...(selector ? { selector } : {}),
      ports: opts.ports ?? [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      ...(opts.spec ?? {}),
    },
    ...(opts.status === null ? {} : { status: opts.status ?? { loadBalancer: {} } }),
  }
}

/** An endpoint of {@link endpointSlice}: a pod, ready unless told otherwise. */
export interface FixtureEndpoint {
  pod: string
  ready?: boolean
  terminating?: boolean
  node?: string
}

/** The EndpointSlice the control plane keeps for a Service, with these endpoints. */
export function endpointSlice(
  svc: string,
  endpoints: FixtureEndpoint[],
  opts: { namespace?: string; changed?: string; suffix?: string; addressType?: string } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const name = `${svc}-${opts.suffix ?? 'x7k2p'}`
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-endpointslice-${ns}-${name}`,
      creationTimestamp: T_FIXTURE,
      labels: {
        'kubernetes.io/service-name': svc,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': opts.changed ?? T_FIXTURE },
    },
    addressType: opts.addressType ?? 'IPv4',
    endpoints: endpoints.map((e, i) => ({
      addresses: [opts.addressType === 'IPv6' ? `fd00::${i + 10}` : `10.244.1.${i + 10}`],
      conditions: {
        ready: e.ready ?? true,
        serving: e.ready ?? true,
        terminating: e.terminating ?? false,
      },
      nodeName: e.node ?? 'node-1',
      targetRef: { kind: 'Pod', namespace: ns, name: e.pod, uid: `uid-pod-${ns}-${e.pod}` },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  }
}

/** The v1 Endpoints object of a Service (the pre-EndpointSlice API). */
export function endpointsObject(
  svc: string,
  ready: string[],
  notReady: string[] = [],
  opts: { namespace?: string; changed?: string } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const addr = (pod: string, i: number) => ({
    ip: `10.244.2.${i + 10}`,
    nodeName: 'node-1',
    targetRef: { kind: 'Pod', namespace: ns, name: pod, uid: `uid-pod-${ns}-${pod}` },
  })
  const subset: Record<string, unknown> = { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }
  if (ready.length) subset.addresses = ready.map(addr)
  if (notReady.length) subset.notReadyAddresses = notReady.map((p, i) => addr(p, i + ready.length))
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc,
      namespace: ns,
      uid: `uid-endpoints-${ns}-${svc}`,
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': opts.changed ?? T_FIXTURE },
    },
    ...(ready.length || notReady.length ? { subsets: [subset] } : {}),
  }
}

/**
 * A running pod for test cases, Ready or not: not ready pods fail their readiness probe unless
 * `waiting` names a container waiting reason (CrashLoopBackOff…). `since` is the Ready transition.
 */
export function servicePod(
  name: string,
  labels: Record<string, string>,
  opts: {
    namespace?: string
    ready?: boolean
    waiting?: string
    since?: string
    node?: string
    ports?: Record<string, unknown>[]
    owner?: { kind: string; name: string; apiVersion?: string }
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const ready = opts.ready ?? true
  const since = opts.since ?? T_FIXTURE
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-pod-${ns}-${name}`,
      creationTimestamp: T_FIXTURE,
      labels,
      ...(opts.owner
        ? {
            ownerReferences: [
              {
                apiVersion: opts.owner.apiVersion ?? 'apps/v1',
                kind: opts.owner.kind,
                name: opts.owner.name,
                uid: `uid-${opts.owner.kind.toLowerCase()}-${ns}-${opts.owner.name}`,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      nodeName: opts.node ?? 'node-1',
      containers: [
        {
          name: 'app',
          image: 'registry.example.com/app:1.0',
          ...(opts.ports ? { ports: opts.ports } : {}),
        },
      ],
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: T_FIXTURE },
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          ...(ready ? {} : { reason: 'ContainersNotReady' }),
          lastTransitionTime: since,
        },
      ],
      containerStatuses: [
        {
          name: 'app',
          ready,
          started: ready || !opts.waiting,
          restartCount: opts.waiting === 'CrashLoopBackOff' ? 7 : 0,
          state: opts.waiting ? { waiting: { reason: opts.waiting } } : { running: { startedAt: T_FIXTURE } },
        },
      ],
    },
  }
}

/** An Ingress (networking.k8s.io/v1) for test cases: `routes` as `host/path → service:port`. */
export function ingress(
  name: string,
  opts: {
    namespace?: string
    className?: string
    routes?: { host?: string; path?: string; service: string; port: number | string }[]
    defaultBackend?: { service: string; port: number | string }
    tls?: { hosts?: string[]; secretName?: string }[]
    annotations?: Record<string, string>
    created?: string
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const port = (p: number | string) => (typeof p === 'number' ? { number: p } : { name: p })
  const byHost = new Map<string, Record<string, unknown>[]>()
  for (const r of opts.routes ?? []) {
    const l = byHost.get(r.host ?? '') ?? []
    l.push({
      path: r.path ?? '/',
      pathType: 'Prefix',
      backend: { service: { name: r.service, port: port(r.port) } },
    })
    byHost.set(r.host ?? '', l)
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-ingress-${ns}-${name}`,
      creationTimestamp: opts.created ?? T_FIXTURE,
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    },
    spec: {
      ...(opts.className ? { ingressClassName: opts.className } : {}),
      ...(opts.defaultBackend
        ? {
            defaultBackend: {
              service: { name: opts.defaultBackend.service, port: port(opts.defaultBackend.port) },
            },
          }
        : {}),
      ...(opts.tls ? { tls: opts.tls } : {}),
      rules: [...byHost].map(([host, paths]) => ({ ...(host ? { host } : {}), http: { paths } })),
    },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
  }
}

/** An IngressClass for test cases; `isDefault` sets the default-class annotation. */
export function ingressClass(
  name: string,
  isDefault = false,
  controller = 'k8s.io/ingress-nginx',
): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      uid: `uid-ingressclass-${name}`,
      ...(isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    spec: { controller },
  }
}

/** A Secret's metadata only, as a metadata-only collector gives it (no data is ever read). */
export function secretMeta(name: string, namespace = 'default', type = 'kubernetes.io/tls'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, uid: `uid-secret-${namespace}-${name}` },
    type,
  }
}
