import { SUCCESSOR_KINDS, type ClusterTarget, type Collector, type CollectSink } from './collect/define.js'
import { exclusionFilter, labelsLookup, type Config } from './config/config.js'
import { errorMessage } from './core/errors.js'
import { groupKindOfKey, isKindKey } from './core/kinds.js'
import { COLLECTION_KEY, type CollectionStatus } from './core/collection.js'
import {
  severityRank,
  type ClusterResult,
  type ClusterStatus,
  type Finding,
  type Report,
  type ScanError,
} from './core/types.js'
import { declaredData } from './detect/define.js'
import { runDetectors, type ConfiguredDetector } from './detect/engine.js'
import type { ClusterOrder } from './report/stream.js'
import { prunedFieldsFor } from './snapshot/prune-builtin.js'
import { SnapshotBuilder, type Snapshot } from './snapshot/snapshot.js'

/** Error codes meaning a cluster's API could not be reached at all: the cluster is `unreachable`. */
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'KDAC_E_CLUSTER_UNREACHABLE',
  'KDAC_E_CLUSTER_TLS',
  'KDAC_E_KUBECONFIG',
])

/** What a scan needs. */
export interface ScanOptions {
  targets: ClusterTarget[]
  detectors: ConfiguredDetector[]
  collectors: Collector[]
  config?: Config
  /** Judge every cluster at this instant instead of its own newest timestamp. */
  now?: Date
  /** Clusters scanned at once; memory grows with this, not with the fleet. */
  concurrency?: number
  /**
   * Objects the clusters in flight may hold together (estimated from the clusters already done):
   * fewer clusters run at once when big ones are met; default {@link DEFAULT_OBJECT_BUDGET}.
   */
  objectBudget?: number
  /** Adapt the clusters at once to the load, up to `concurrency` (see {@link admission}); default true. */
  adaptive?: boolean
  /** Errors met before any cluster was scanned (unreadable inputs), carried into the report. */
  inputErrors?: ScanError[]
  /** Called after each cluster, for progress bars. */
  onCluster?: (result: ClusterResult, done: number, total: number) => void
  /**
   * Called with each cluster's snapshot and findings before the snapshot is dropped: the one place
   * to read what findings do not carry (object labels for silences, root causes for incidents).
   */
  onSnapshot?: (snapshot: Snapshot, findings: readonly Finding[], target: ClusterTarget) => void
}

/** One cluster's collected state. */
export interface Collected {
  snapshot: Snapshot
  errors: ScanError[]
  duplicates: number
}

/** Everything enabled detectors need, so collectors can fetch only that. */
export function requiredData(detectors: ConfiguredDetector[]): Set<string> {
  const s = new Set<string>()
  for (const { detector } of detectors) for (const k of declaredData(detector.meta)) s.add(k)
  return s
}

/**
 * Kinds (group/Kind) of {@link SUCCESSOR_KINDS} that every enabled detector declaring them reads only
 * as a fallback: none `requires` it, and each also declares its successor (in `requiresAny` or
 * `optional`), so it reads the older kind only where the newer is missing (Endpoints where no
 * EndpointSlice names the Service). A live cluster serving the successor is not asked for them.
 * Worked out once per list of detectors (every cluster of a scan asks with the same list).
 */
export function fallbackKinds(detectors: readonly ConfiguredDetector[]): ReadonlySet<string> {
  let out = FALLBACKS.get(detectors)
  if (out) return out
  const declared = new Set<string>()
  const notFallback = new Set<string>()
  for (const { detector } of detectors) {
    const kinds = new Set(declaredData(detector.meta).filter(isKindKey).map(groupKindOfKey))
    const required = new Set(detector.meta.requires.filter(isKindKey).map(groupKindOfKey))
    for (const [old, successor] of SUCCESSOR_KINDS) {
      if (!kinds.has(old)) continue
      declared.add(old)
      if (required.has(old) || !kinds.has(successor.groupKind)) notFallback.add(old)
    }
  }
  out = new Set([...SUCCESSOR_KINDS.keys()].filter((k) => declared.has(k) && !notFallback.has(k)))
  FALLBACKS.set(detectors, out)
  return out
}

const FALLBACKS = new WeakMap<readonly ConfiguredDetector[], ReadonlySet<string>>()

/** Orders collectors so that each runs after those producing the data it requires. */
export function orderCollectors(collectors: Collector[]): Collector[] {
  const out: Collector[] = []
  const done = new Set<Collector>()
  const visiting = new Set<Collector>()
  const visit = (c: Collector) => {
    if (done.has(c) || visiting.has(c)) return
    visiting.add(c)
    for (const need of c.meta.requires ?? [])
      for (const p of collectors) if (p !== c && p.meta.produces.includes(need)) visit(p)
    visiting.delete(c)
    done.add(c)
    out.push(c)
  }
  collectors.forEach(visit)
  return out
}

/** A cluster's status from its collectors' errors. */
export function statusOf(errors: readonly ScanError[]): ClusterStatus {
  return errors.some((e) => UNREACHABLE_CODES.has(e.code))
    ? 'unreachable'
    : errors.length
      ? 'partial'
      : 'scanned'
}

/** Runs the collectors for one cluster into a snapshot. Never throws: problems become errors. */
export async function collectCluster(
  target: ClusterTarget,
  collectors: Collector[],
  detectors: ConfiguredDetector[],
  now?: Date,
): Promise<Collected> {
  // Only the kinds that detectors needing managedFields read keep them.
  const managedKinds = new Set<string>()
  for (const { detector } of detectors)
    if (detector.meta.needsManagedFields)
      for (const k of declaredData(detector.meta)) managedKinds.add(groupKindOfKey(k))
  const keepManagedFields = managedKinds.size > 0
  const builder = new SnapshotBuilder(target.name, {
    keepManagedFields: managedKinds,
    prune: prunedFieldsFor(detectors),
  })
  const errors: ScanError[] = []
  const sink: CollectSink = {
    object: (obj, source) => builder.add(obj, source),
    collected: (k) => builder.markCollected(k),
    data: (k, v) => builder.setData(k, v),
    log: (l) => builder.addLog(l),
    error: (e) => errors.push(e),
  }
  const requires = requiredData(detectors)
  const fallbacks = fallbackKinds(detectors)
  for (const c of orderCollectors(collectors)) {
    if (c.meta.appliesTo && !c.meta.appliesTo(target)) continue
    try {
      await c.collect({
        cluster: target,
        requires,
        keepManagedFields,
        managedFieldsKinds: managedKinds,
        fallbackKinds: fallbacks,
        sink,
      })
    } catch (e) {
      errors.push({
        source: `collector ${c.meta.id}`,
        code: 'KDAC_E_COLLECTOR_THREW',
        message: `${c.meta.id} on cluster ${target.name}: ${errorMessage(e)}`,
      })
    }
  }
  // How collection went is data too: cluster-level detectors (cluster-unreachable) read it.
  builder.setData(COLLECTION_KEY, {
    status: statusOf(errors),
    source: target.source,
    errors: errors.map((e) => ({ code: e.code, message: e.message })),
  } satisfies CollectionStatus)
  // A dump is judged at the instant it shows; a live cluster at the clock's.
  const at = now ?? (target.kube ? new Date() : undefined)
  return { snapshot: builder.build(at ? { now: at } : {}), errors, duplicates: builder.duplicateCount }
}

/** Scans one cluster: collect, snapshot, detect, findings. The snapshot is dropped on return. */
export async function scanCluster(
  target: ClusterTarget,
  opts: Pick<ScanOptions, 'detectors' | 'collectors' | 'config' | 'now' | 'onSnapshot'>,
): Promise<{ cluster: ClusterResult; findings: Finding[] }> {
  const { snapshot, errors } = await collectCluster(target, opts.collectors, opts.detectors, opts.now)
  const result = runDetectors(snapshot, opts.detectors, { runbookBase: opts.config?.runbookBase })
  const excluded = exclusionFilter(opts.config?.exclude)
  const labelsOf = labelsLookup((k, ns, n) => snapshot.get(k, ns, n))
  const findings = result.findings.filter((f) => !excluded(f, labelsOf))
  const allErrors = [...errors, ...result.errors]
  opts.onSnapshot?.(snapshot, findings, target)
  return {
    cluster: {
      name: target.name,
      source: target.source,
      status: statusOf(errors),
      objects: snapshot.size,
      skipped: result.skipped,
      errors: allErrors,
    },
    findings,
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Compares findings for a stable report order: cluster, severity, detector, object. */
export function compareFindings(a: Finding, b: Finding): number {
  // Plain code-unit order: stable across locales, and much cheaper than localeCompare on big fleets.
  return (
    cmp(a.cluster, b.cluster) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.detector, b.detector) ||
    cmp(a.object.namespace ?? '', b.object.namespace ?? '') ||
    cmp(a.object.kind, b.object.kind) ||
    cmp(a.object.name, b.object.name) ||
    cmp(a.fingerprint, b.fingerprint)
  )
}

/**
 * Clusters scanned at once when the user does not say: live clusters mostly wait on their API
 * servers, so many at once (memory stays bounded by this number, not by the fleet); dumps and
 * manifests are CPU work, so two.
 */
export function defaultConcurrency(targets: readonly ClusterTarget[]): number {
  const live = targets.some((t) => t.kube)
  return Math.max(1, Math.min(targets.length, live ? LIVE_CONCURRENCY : 2))
}

/** Live clusters scanned at once by default. */
export const LIVE_CONCURRENCY = 128

/** Objects the clusters in flight may hold together, by default (about 0.5–1 GiB of snapshots). */
export const DEFAULT_OBJECT_BUDGET = 250_000

/** Clusters started at first, before any is done and before the event loop's load is known. */
const SLOW_START = 8

/** How often the window of clusters at once is adjusted to the event loop's load (ms). */
const ADJUST_EVERY_MS = 200

/** Options of {@link admission}. */
export interface AdmissionOptions {
  /**
   * Adapt the clusters at once to the load: more while the event loop mostly waits on the network,
   * fewer when it is saturated (more clusters in flight then only hold more memory and cost more
   * garbage collection, for no more throughput). Default true.
   */
  adaptive?: boolean
}

/**
 * Admits clusters up to the concurrency while their expected size fits the object budget: the size
 * expected is the 90th percentile of the last 64 clusters done (at most {@link SLOW_START} run
 * before the first is done). Within that, an adaptive window follows the event loop's utilisation:
 * it grows by a quarter (doubles when mostly idle) while the loop waits, shrinks by a sixth when it
 * is saturated. One cluster always runs, however big.
 */
export function admission(concurrency: number, budget: number, options: AdmissionOptions = {}) {
  const adaptive = options.adaptive ?? true
  const floor = Math.min(concurrency, 4)
  const recent: number[] = []
  let running = 0
  let window = adaptive ? Math.min(concurrency, SLOW_START) : concurrency
  let waiting: (() => void)[] = []
  let elu = performance.eventLoopUtilization()
  let adjustedAt = performance.now()
  const expected = () => {
    const sorted = [...recent].sort((a, b) => a - b)
    return Math.max(1, sorted[Math.floor(sorted.length * 0.9)] ?? 1)
  }
  const adjust = () => {
    const now = performance.now()
    if (!adaptive || now - adjustedAt < ADJUST_EVERY_MS) return
    const u = performance.eventLoopUtilization(elu).utilization
    elu = performance.eventLoopUtilization()
    adjustedAt = now
    if (u < 0.5) window = Math.min(concurrency, window * 2)
    else if (u < 0.85) window = Math.min(concurrency, window + Math.max(1, Math.ceil(window / 4)))
    else if (u > 0.95) window = Math.max(floor, Math.floor((window * 5) / 6))
  }
  const mayStart = () =>
    running === 0 ||
    (running < window && (recent.length === 0 ? running < SLOW_START : (running + 1) * expected() <= budget))
  return {
    async enter(): Promise<void> {
      adjust()
      while (!mayStart()) await new Promise<void>((resolve) => waiting.push(resolve))
      running++
    },
    /** A cluster is done (`objects`: its size) or was not started after all (`undefined`). */
    leave(objects: number | undefined): void {
      running--
      if (objects !== undefined) recent.push(objects)
      if (recent.length > 64) recent.shift()
      adjust()
      const wake = waiting
      waiting = []
      for (const w of wake) w()
    },
  }
}

/** One cluster name's part of a report, as {@link scanStream} hands it on. */
export interface ScannedCluster {
  /** The clusters of this name, in target order: one, unless two inputs gave the same name. */
  clusters: ClusterResult[]
  /** Their positions in the targets (the report's `clusters` order). */
  indexes: number[]
  /** Their findings, in report order ({@link compareFindings}). */
  findings: Finding[]
}

/** What {@link scanStream} needs beyond {@link ScanOptions}. */
export interface StreamOptions extends ScanOptions {
  /** The order `emit` is called in; default `name`. */
  order?: ClusterOrder
  /**
   * Takes each cluster's part of the report, once, in `order`; the next part waits for its promise
   * (a writer's backpressure). The findings are the caller's to keep or drop.
   */
  emit: (part: ScannedCluster) => void | Promise<void>
  /**
   * Findings that clusters done ahead of their turn may hold; past this, workers wait for the
   * cluster holding them up before they start another. Default {@link DEFAULT_HOLD_BUDGET}.
   */
  holdBudget?: number
}

/** Findings held for clusters done ahead of their turn, by default (a few hundred MB at most). */
export const DEFAULT_HOLD_BUDGET = 100_000

/** Target indexes grouped by cluster name, the groups in report order. */
function emissionUnits(targets: readonly ClusterTarget[], order: ClusterOrder): number[][] {
  const byName = new Map<string, number[]>()
  targets.forEach((t, i) => {
    const unit = byName.get(t.name)
    if (unit) unit.push(i)
    else byName.set(t.name, [i])
  })
  const units = [...byName]
  // A Map keeps first appearance, which is target order.
  if (order === 'name') units.sort((a, b) => cmp(a[0], b[0]))
  return units.map(([, indexes]) => indexes)
}

/** One cluster's scan; a collector that throws past its guard still gives an unreachable result. */
async function scanOne(
  target: ClusterTarget,
  opts: ScanOptions,
): Promise<{ cluster: ClusterResult; findings: Finding[] }> {
  try {
    return await scanCluster(target, opts)
  } catch (e) {
    return { cluster: threwResult(target, e), findings: [] }
  }
}

/** The result of a cluster whose collection threw past the collector's own guard. */
export function threwResult(target: ClusterTarget, error: unknown): ClusterResult {
  return {
    name: target.name,
    source: target.source,
    status: 'unreachable',
    objects: 0,
    skipped: [],
    errors: [{ source: target.source, code: 'KDAC_E_COLLECTOR_THREW', message: errorMessage(error) }],
  }
}

/**
 * Scans every target, a few at a time, and hands each cluster's part of the report to `emit` in
 * report order as soon as it and the clusters before it are done, so that a fleet's findings need
 * never be held at once. Clusters are started in report order, so those done ahead of their turn
 * are few; past `holdBudget` findings held, workers wait for the one holding them up. Returns the
 * clusters in target order. One cluster's failure never stops the others; a failing `emit` stops
 * the scan with its error.
 */
export async function scanStream(opts: StreamOptions): Promise<ClusterResult[]> {
  const units = emissionUnits(opts.targets, opts.order ?? 'name')
  const sequence = units.flat()
  const unitOf = new Array<number>(opts.targets.length)
  units.forEach((u, k) => u.forEach((i) => (unitOf[i] = k)))
  const pending = units.map((u) => u.length)
  const done = new Map<number, { cluster: ClusterResult; findings: Finding[] }>()
  const clusters: ClusterResult[] = new Array(opts.targets.length)
  const total = opts.targets.length
  const budget = opts.holdBudget ?? DEFAULT_HOLD_BUDGET
  const n = Math.max(1, Math.min(opts.concurrency ?? 1, total))
  const gate = admission(n, opts.objectBudget ?? DEFAULT_OBJECT_BUDGET, { adaptive: opts.adaptive ?? true })
  let next = 0
  let finished = 0
  let head = 0
  let held = 0
  let draining = false
  let failure: { error: unknown } | undefined
  let waiting: (() => void)[] = []
  const release = () => {
    const wake = waiting
    waiting = []
    for (const w of wake) w()
  }
  const drain = async () => {
    while (head < units.length && pending[head] === 0 && !failure) {
      const indexes = units[head++]!
      const parts = indexes.map((i) => done.get(i)!)
      for (const i of indexes) done.delete(i)
      const findings = parts.length === 1 ? parts[0]!.findings : parts.flatMap((p) => p.findings)
      held -= findings.length
      findings.sort(compareFindings)
      try {
        await opts.emit({ clusters: parts.map((p) => p.cluster), indexes, findings })
      } catch (e) {
        failure = { error: e }
      }
      release()
    }
  }
  const worker = async () => {
    while (next < total && !failure) {
      await gate.enter()
      if (next >= total || failure) {
        gate.leave(undefined)
        break
      }
      const i = sequence[next++]!
      const res = await scanOne(opts.targets[i]!, opts)
      gate.leave(res.cluster.objects)
      clusters[i] = res.cluster
      done.set(i, res)
      held += res.findings.length
      pending[unitOf[i]!]!--
      opts.onCluster?.(res.cluster, ++finished, total)
      if (!draining) {
        draining = true
        try {
          await drain()
        } finally {
          draining = false
        }
      }
      // The cluster holding the others up is being scanned by another worker, which drains them.
      while (held > budget && !failure) await new Promise<void>((resolve) => waiting.push(resolve))
    }
  }
  await Promise.all(Array.from({ length: n }, worker))
  if (failure) throw failure.error
  return clusters
}

/** Scans every target, a few at a time, and builds the report. One cluster's failure never stops the others. */
export async function scan(opts: ScanOptions): Promise<Report> {
  const findings: Finding[] = []
  const clusters = await scanStream({
    ...opts,
    emit: ({ findings: part }) => {
      for (const f of part) findings.push(f)
    },
  })
  // Parts come in name order, each sorted: this only settles a finding that names another cluster.
  findings.sort(compareFindings)
  const errors = [...(opts.inputErrors ?? []), ...clusters.flatMap((c) => c.errors)]
  return { version: 1, generatedAt: new Date().toISOString(), clusters, findings, errors }
}
