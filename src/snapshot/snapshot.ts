import {
  groupKind,
  groupKindOfKey,
  identityOf,
  isKindKey,
  parseKindKey,
  type KindKey,
} from '../core/kinds.js'
import type { KubeObject, OwnerReference } from '../core/types.js'
import { pruneObject, type FieldTree } from './prune.js'
import { matchesMapSelector, matchesSelector, type LabelSelector } from './selectors.js'

const EMPTY: readonly KubeObject[] = Object.freeze([])

/** Workload kinds whose pods are found through `spec.selector`. */
const WORKLOAD_SELECTOR_KINDS = new Set([
  'apps/Deployment',
  'apps/ReplicaSet',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'batch/Job',
  'ReplicationController',
])

/** Pod logs found in a dump (not objects, but kept addressable for log detectors). */
export interface PodLog {
  namespace: string
  pod: string
  container: string
  source: string
  text: string
}

/** The read-only view of one cluster at one instant that detectors see. */
export interface Snapshot {
  /** The cluster's name. */
  readonly cluster: string
  /** The instant the snapshot stands for: the dump's newest timestamp, `--now`, or the clock. */
  readonly now: Date
  /** Every object of a kind (`apps/v1/Deployment`), optionally in one namespace. */
  list(kind: KindKey, namespace?: string): readonly KubeObject[]
  /** One object by kind, namespace (`undefined` for cluster-scoped) and name. */
  get(kind: KindKey, namespace: string | undefined, name: string): KubeObject | undefined
  /** Whether the collectors gathered this kind (or data key), so absence means "none exist". */
  has(kindOrData: string): boolean
  /** The objects named in `obj.metadata.ownerReferences` that the snapshot holds. */
  ownersOf(obj: KubeObject): KubeObject[]
  /** The objects that name `obj` as an owner. */
  childrenOf(obj: KubeObject): KubeObject[]
  /** The top of the controller chain (Pod → ReplicaSet → Deployment); `obj` itself when it has no owner. */
  rootOwner(obj: KubeObject): KubeObject
  /** Events whose involved object (`involvedObject` or `regarding`) is `obj`, oldest first. */
  eventsFor(obj: KubeObject): KubeObject[]
  /** Pods selected by a Service, PDB, NetworkPolicy or workload, or scaled by an HPA's target. */
  podsFor(obj: KubeObject): KubeObject[]
  /** Objects of `kind` in `namespace` whose labels match a LabelSelector. */
  select(
    kind: KindKey,
    namespace: string | undefined,
    selector: LabelSelector | null | undefined,
  ): KubeObject[]
  /** Data that a collector produced under a key (metrics, CMDB records, …). */
  data<T = unknown>(key: string): T | undefined
  /** Pod logs carried by the input (a `cluster-info dump`), if any. */
  logs(namespace?: string, pod?: string): readonly PodLog[]
  /** The file (or API) an object was read from, when the collector said. */
  sourceOf(obj: KubeObject): string | undefined
  /**
   * A value derived from the snapshot, computed once and shared by every detector that asks for the
   * same key (an index of pod templates, say). `compute` must depend on the snapshot alone.
   */
  memo<T>(key: string, compute: () => T): T
  /** Number of objects held. */
  readonly size: number
  /** Version-free kinds held, with counts. */
  kinds(): Map<string, number>
}

interface KindIndex {
  all: KubeObject[]
  byNs: Map<string, KubeObject[]>
  /** Namespace, then name: keyed by the object's own name string, not an `ns/name` copy per object. */
  byName: Map<string, Map<string, KubeObject>>
}

/** Builds a snapshot from objects pushed one by one: dedupes, drops managedFields, indexes by kind. */
export class SnapshotBuilder {
  readonly cluster: string
  private readonly kinds = new Map<string, KindIndex>()
  private readonly collected = new Set<string>()
  private readonly dataMap = new Map<string, unknown>()
  private readonly podLogs: PodLog[] = []
  private readonly sources = new Map<KubeObject, string>()
  private readonly keepManagedFields: boolean | ReadonlySet<string>
  private readonly prune: ReadonlyMap<string, FieldTree> | undefined
  private newest = ''
  private count = 0
  private duplicates = 0

  /**
   * `keepManagedFields`: true keeps `metadata.managedFields` on every object; a set of version-free
   * kinds (`apps/Deployment`) keeps them only there (they are half an object's metadata).
   * `prune`: fields to drop, by version-free kind (see prune.ts; only for built-in detectors).
   */
  constructor(
    cluster: string,
    options: {
      keepManagedFields?: boolean | ReadonlySet<string>
      prune?: ReadonlyMap<string, FieldTree>
    } = {},
  ) {
    this.cluster = cluster
    this.keepManagedFields = options.keepManagedFields ?? false
    this.prune = options.prune?.size ? options.prune : undefined
  }

  /** Adds an object; returns false when the same object (kind, namespace, name) was already added. */
  add(obj: KubeObject, source?: string): boolean {
    const meta = obj.metadata
    const gk = groupKind(obj.apiVersion, obj.kind)
    let idx = this.kinds.get(gk)
    if (!idx) {
      idx = { all: [], byNs: new Map(), byName: new Map() }
      this.kinds.set(gk, idx)
    }
    // Objects that reached the builder without the loader's checks (tests, user collectors) may
    // carry a namespace of the wrong type: index it as cluster-scoped rather than crash.
    const ns = typeof meta.namespace === 'string' ? meta.namespace : ''
    const name = typeof meta.name === 'string' ? meta.name : String(meta.name)
    let names = idx.byName.get(ns)
    if (names?.has(name)) {
      this.duplicates++
      return false
    }
    if (meta.managedFields !== undefined && !this.keepsManagedFields(gk)) delete meta.managedFields
    const prune = this.prune?.get(gk)
    if (prune) obj = pruneObject(obj, prune)
    if (!names) idx.byName.set(ns, (names = new Map()))
    names.set(name, obj)
    idx.all.push(obj)
    if (source !== undefined) this.sources.set(obj, source)
    let nsList = idx.byNs.get(ns)
    if (!nsList) idx.byNs.set(ns, (nsList = []))
    nsList.push(obj)
    this.count++
    this.noteTimes(obj, gk)
    return true
  }

  private keepsManagedFields(gk: string): boolean {
    const k = this.keepManagedFields
    return k === true || (k !== false && k.has(gk))
  }

  /** Records that a kind (or data key) was gathered in full, even if no object of it exists. */
  markCollected(kindOrData: string): void {
    this.collected.add(isKindKey(kindOrData) ? normalizeKey(kindOrData) : kindOrData)
  }

  /** Stores collector data under a key and marks the key collected. */
  setData(key: string, value: unknown): void {
    this.dataMap.set(key, value)
    this.collected.add(key)
  }

  /** Keeps a pod log from a dump. */
  addLog(log: PodLog): void {
    this.podLogs.push(log)
  }

  /** Objects dropped as duplicates so far. */
  get duplicateCount(): number {
    return this.duplicates
  }

  /** Objects held so far. */
  get size(): number {
    return this.count
  }

  /** The newest timestamp seen in the objects (RFC 3339), or undefined. */
  get newestTimestamp(): string | undefined {
    return this.newest || undefined
  }

  /** Freezes the collected state into a snapshot. */
  build(options: { now?: Date } = {}): Snapshot {
    for (const gk of this.kinds.keys()) this.collected.add(gk)
    let now = options.now
    if (!now) {
      const t = this.newest ? Date.parse(this.newest) : NaN
      now = Number.isNaN(t) ? new Date() : new Date(t)
    }
    return new IndexedSnapshot(
      this.cluster,
      now,
      this.kinds,
      this.collected,
      this.dataMap,
      this.podLogs,
      this.sources,
      this.count,
    )
  }

  // Dumps are often read days after they were taken: `now` defaults to the newest instant they show.
  private noteTimes(obj: KubeObject, gk: string): void {
    const c = obj.metadata.creationTimestamp
    if (typeof c === 'string' && c > this.newest) this.newest = c
    if (gk === 'Node') {
      const conds = obj.status?.conditions
      if (Array.isArray(conds))
        for (const cond of conds) {
          const h = cond?.lastHeartbeatTime
          if (typeof h === 'string' && h > this.newest) this.newest = h
        }
    } else if (gk === 'Event' || gk === 'events.k8s.io/Event') {
      const o = obj as Record<string, unknown>
      for (const f of ['lastTimestamp', 'eventTime', 'firstTimestamp', 'deprecatedLastTimestamp']) {
        const v = o[f]
        if (typeof v === 'string' && v > this.newest) this.newest = v.length > 20 ? v.slice(0, 19) + 'Z' : v
      }
      const series = o.series as { lastObservedTime?: unknown } | undefined
      const lo = series?.lastObservedTime
      if (typeof lo === 'string' && lo > this.newest)
        this.newest = lo.length > 20 ? lo.slice(0, 19) + 'Z' : lo
    } else if (gk === 'Pod') {
      const conds = obj.status?.conditions
      if (Array.isArray(conds))
        for (const cond of conds) {
          const h = cond?.lastTransitionTime
          if (typeof h === 'string' && h > this.newest) this.newest = h
        }
    }
  }
}

function normalizeKey(kindKey: string): string {
  return groupKindOfKey(kindKey)
}

class IndexedSnapshot implements Snapshot {
  private ownerIdx: { byUid: Map<string, KubeObject>; children: Map<string, KubeObject[]> } | undefined
  private eventIdx: Map<string, KubeObject[]> | undefined

  constructor(
    readonly cluster: string,
    readonly now: Date,
    private readonly idx: Map<string, KindIndex>,
    private readonly collected: Set<string>,
    private readonly dataMap: Map<string, unknown>,
    private readonly podLogs: PodLog[],
    private readonly sources: Map<KubeObject, string>,
    readonly size: number,
  ) {}

  sourceOf(obj: KubeObject): string | undefined {
    return this.sources.get(obj)
  }

  private readonly memos = new Map<string, unknown>()

  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T
    const v = compute()
    this.memos.set(key, v)
    return v
  }

  list(kind: KindKey, namespace?: string): readonly KubeObject[] {
    const k = this.idx.get(groupKindOfKey(kind))
    if (!k) return EMPTY
    if (namespace === undefined) return k.all
    return k.byNs.get(namespace) ?? EMPTY
  }

  get(kind: KindKey, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.idx
      .get(groupKindOfKey(kind))
      ?.byName.get(namespace ?? '')
      ?.get(name)
  }

  has(kindOrData: string): boolean {
    if (this.collected.has(kindOrData)) return true
    return kindOrData.includes('/') || /^[A-Z]/.test(kindOrData)
      ? this.collected.has(groupKindOfKey(kindOrData))
      : false
  }

  kinds(): Map<string, number> {
    const m = new Map<string, number>()
    for (const [gk, k] of this.idx) m.set(gk, k.all.length)
    return m
  }

  ownersOf(obj: KubeObject): KubeObject[] {
    const refs = obj.metadata.ownerReferences
    if (!Array.isArray(refs) || refs.length === 0) return []
    const out: KubeObject[] = []
    for (const r of refs) {
      const o = this.resolveOwner(obj, r)
      if (o) out.push(o)
    }
    return out
  }

  childrenOf(obj: KubeObject): KubeObject[] {
    const { children } = this.owners()
    const byUid = obj.metadata.uid ? children.get('uid:' + obj.metadata.uid) : undefined
    const byName = children.get(
      'id:' + identityOf(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name),
    )
    if (!byUid) return byName ?? []
    if (!byName) return byUid
    return [...new Set([...byUid, ...byName])]
  }

  rootOwner(obj: KubeObject): KubeObject {
    let cur = obj
    const seen = new Set<KubeObject>([obj])
    for (;;) {
      const refs = cur.metadata.ownerReferences
      if (!Array.isArray(refs) || refs.length === 0) return cur
      const ref = refs.find((r) => r?.controller) ?? refs[0]
      const next = ref ? this.resolveOwner(cur, ref) : undefined
      if (!next || seen.has(next)) return cur
      seen.add(next)
      cur = next
    }
  }

  eventsFor(obj: KubeObject): KubeObject[] {
    if (!this.eventIdx)
      this.eventIdx = buildEventIndex(this.list('v1/Event'), this.list('events.k8s.io/v1/Event'))
    const m = obj.metadata
    const byUid = m.uid ? this.eventIdx.get('uid:' + m.uid) : undefined
    const byName = this.eventIdx.get(`${obj.kind}/${m.namespace ?? ''}/${m.name}`)
    if (!byUid) return byName ?? []
    if (!byName) return byUid
    return [...new Set([...byUid, ...byName])].sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
  }

  podsFor(obj: KubeObject): KubeObject[] {
    const gk = groupKind(obj.apiVersion, obj.kind)
    const ns = obj.metadata.namespace
    const pods = this.list('v1/Pod', ns ?? '')
    switch (gk) {
      case 'Service':
        return pods.filter((p) => matchesMapSelector(obj.spec?.selector, p.metadata.labels))
      case 'policy/PodDisruptionBudget':
        return pods.filter((p) => matchesSelector(obj.spec?.selector, p.metadata.labels))
      case 'networking.k8s.io/NetworkPolicy':
        return pods.filter((p) => matchesSelector(obj.spec?.podSelector ?? {}, p.metadata.labels))
      case 'autoscaling/HorizontalPodAutoscaler': {
        const t = obj.spec?.scaleTargetRef
        if (!t?.kind || !t?.name) return []
        const target = this.get(`${t.apiVersion ?? 'apps/v1'}/${t.kind}`, ns, t.name)
        return target ? this.podsFor(target) : []
      }
      default:
        if (WORKLOAD_SELECTOR_KINDS.has(gk)) {
          const sel = obj.spec?.selector
          const viaSelector =
            gk === 'ReplicationController'
              ? pods.filter((p) => matchesMapSelector(sel, p.metadata.labels))
              : pods.filter((p) => matchesSelector(sel, p.metadata.labels))
          if (viaSelector.length > 0) return viaSelector
          return this.descendantPods(obj)
        }
        return this.descendantPods(obj)
    }
  }

  select(
    kind: KindKey,
    namespace: string | undefined,
    selector: LabelSelector | null | undefined,
  ): KubeObject[] {
    return this.list(kind, namespace).filter((o) => matchesSelector(selector, o.metadata.labels))
  }

  data<T = unknown>(key: string): T | undefined {
    return this.dataMap.get(key) as T | undefined
  }

  logs(namespace?: string, pod?: string): readonly PodLog[] {
    if (namespace === undefined) return this.podLogs
    return this.podLogs.filter((l) => l.namespace === namespace && (pod === undefined || l.pod === pod))
  }

  private descendantPods(obj: KubeObject): KubeObject[] {
    const out: KubeObject[] = []
    const stack = [obj]
    const seen = new Set<KubeObject>()
    while (stack.length) {
      const cur = stack.pop() as KubeObject
      if (seen.has(cur)) continue
      seen.add(cur)
      for (const c of this.childrenOf(cur)) {
        if (c.kind === 'Pod' && c.apiVersion === 'v1') out.push(c)
        else stack.push(c)
      }
    }
    return out
  }

  private owners(): { byUid: Map<string, KubeObject>; children: Map<string, KubeObject[]> } {
    if (this.ownerIdx) return this.ownerIdx
    const byUid = new Map<string, KubeObject>()
    const children = new Map<string, KubeObject[]>()
    const push = (k: string, o: KubeObject) => {
      const a = children.get(k)
      if (a) a.push(o)
      else children.set(k, [o])
    }
    for (const k of this.idx.values()) {
      for (const o of k.all) {
        const uid = o.metadata.uid
        if (typeof uid === 'string' && uid) byUid.set(uid, o)
        const refs = o.metadata.ownerReferences
        if (!Array.isArray(refs)) continue
        for (const r of refs) {
          if (!r || typeof r.name !== 'string' || typeof r.kind !== 'string') continue
          if (typeof r.uid === 'string' && r.uid) push('uid:' + r.uid, o)
          // Dumps and rendered manifests often lack uids: fall back to kind + namespace + name.
          else
            push(
              'id:' +
                identityOf(typeof r.apiVersion === 'string' ? r.apiVersion : '', r.kind, nsOf(o), r.name),
              o,
            )
        }
      }
    }
    this.ownerIdx = { byUid, children }
    return this.ownerIdx
  }

  private resolveOwner(child: KubeObject, r: OwnerReference): KubeObject | undefined {
    if (!r || typeof r.name !== 'string' || typeof r.kind !== 'string') return undefined
    // By name first: a map lookup, with no need for the whole-cluster uid index. Only when the uids
    // disagree is the uid index consulted; hand-made dumps with inconsistent uids still resolve by name.
    const key = `${typeof r.apiVersion === 'string' ? r.apiVersion : 'v1'}/${r.kind}`
    const byName = this.get(key, nsOf(child), r.name) ?? this.get(key, undefined, r.name)
    const uid = typeof r.uid === 'string' && r.uid ? r.uid : undefined
    if (byName && (!uid || !byName.metadata.uid || byName.metadata.uid === uid)) return byName
    return (uid ? this.owners().byUid.get(uid) : undefined) ?? byName
  }
}

function nsOf(o: KubeObject): string | undefined {
  const ns = o.metadata.namespace
  return typeof ns === 'string' ? ns : undefined
}

function buildEventIndex(
  core: readonly KubeObject[],
  modern: readonly KubeObject[],
): Map<string, KubeObject[]> {
  const m = new Map<string, KubeObject[]>()
  const push = (k: string, e: KubeObject) => {
    const a = m.get(k)
    if (a) a.push(e)
    else m.set(k, [e])
  }
  // The API server serves each event under both APIs (core v1 and events.k8s.io/v1: one object,
  // one uid, one namespace/name); a dump or a scan holding both lists must not count it twice.
  const seen = new Set<string>()
  const identities = (e: KubeObject) => {
    const m = e.metadata
    const out = [`name:${m.namespace ?? ''}/${m.name}`]
    if (m.uid) out.push(`uid:${m.uid}`)
    return out
  }
  let unique = core
  if (modern.length > 0) {
    for (const e of core) for (const k of identities(e)) seen.add(k)
    unique = [...core, ...modern.filter((e) => !identities(e).some((k) => seen.has(k)))]
  }
  for (const e of unique) {
    const rec = e as Record<string, unknown>
    const io = (rec.involvedObject ?? rec.regarding) as
      { kind?: string; namespace?: string; name?: string; uid?: string } | undefined
    if (!io || typeof io.name !== 'string') continue
    if (io.uid) push('uid:' + io.uid, e)
    // A cluster-scoped object's events (a Node's, from the kubelet) live in `default` but name no namespace.
    push(`${io.kind ?? ''}/${io.namespace ?? ''}/${io.name}`, e)
  }
  for (const list of m.values()) list.sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
  return m
}

/** The newest instant an event reports (`lastTimestamp`, `eventTime`, `series.lastObservedTime`). */
export function eventTime(e: KubeObject): string {
  const r = e as Record<string, unknown>
  const series = r.series as { lastObservedTime?: string } | undefined
  const t =
    series?.lastObservedTime ??
    (r.lastTimestamp as string | undefined) ??
    (r.deprecatedLastTimestamp as string | undefined) ??
    (r.eventTime as string | undefined) ??
    (r.firstTimestamp as string | undefined) ??
    e.metadata.creationTimestamp
  return typeof t === 'string' ? t : ''
}

/** Parses a declared kind key into its parts (re-exported for detectors). */
export { parseKindKey }
