import type { ClusterTarget, Collector } from '../collect/define.js'
import { discoverCluster } from '../collect/kubernetes.js'
import { COLLECTION_KEY } from '../core/collection.js'
import { groupKindOfKey, isKindKey } from '../core/kinds.js'
import type { ClusterStatus, ScanError } from '../core/types.js'
import { missingData } from '../detect/define.js'
import type { ConfiguredDetector } from '../detect/engine.js'
import { fallbackKinds, requiredData, statusOf } from '../pipeline.js'

/** The plan for one live cluster, from API discovery alone (no LIST). */
export interface LivePlan {
  name: string
  source: string
  /** Labels from the inventory (fleet file, Cluster API Cluster labels). */
  labels?: Record<string, string>
  /** The API server's URL, when it could be reached. */
  server?: string
  /** What a scan would find reaching it: `unreachable` when discovery failed outright. */
  status: ClusterStatus
  collectors: string[]
  /**
   * The kinds a scan would LIST, in the version discovery chose: one LIST each, or one per field
   * selector where `fieldSelectors` is given (Events: the Warnings, and the Normal events of Nodes).
   */
  list: {
    apiVersion: string
    kind: string
    resource: string
    namespaced: boolean
    keys: string[]
    fieldSelectors?: string[]
  }[]
  /** Kinds detectors want that this cluster does not serve (their detectors are skipped). */
  notServed: { groupKind: string; keys: string[] }[]
  /** Kinds served but not listed: detectors read them only where `by` (listed) is missing. */
  superseded: { groupKind: string; keys: string[]; by: string }[]
  /** Kinds kubedac never lists (Secrets), though a detector declares them. */
  neverListed: string[]
  run: string[]
  skipped: { id: string; missing: string[] }[]
  errors: ScanError[]
}

// Core kinds the collector never lists (their contents are credentials): see collect/kubernetes.ts.
const NEVER_LISTED = new Set(['Secret'])

/** Plans one live cluster: discovery, then which detectors have their data and which are skipped. */
export async function planLive(
  target: ClusterTarget,
  collectors: Collector[],
  detectors: ConfiguredDetector[],
): Promise<LivePlan> {
  const requires = requiredData(detectors)
  const d = await discoverCluster(target, requires, {}, fallbackKinds(detectors))
  const applies = collectors.filter((c) => !c.meta.appliesTo || c.meta.appliesTo(target))
  const served = new Set(d.served.map((s) => s.groupKind))
  const neverListed = [...requires].filter((k) => isKindKey(k) && NEVER_LISTED.has(groupKindOfKey(k))).sort()
  // Data keys come from other collectors (or the pipeline's own collection record); kinds from discovery.
  const dataFrom = (key: string) =>
    key === COLLECTION_KEY ||
    applies.some(
      (c) => c.meta.id !== 'kubernetes' && (c.meta.produces.includes(key) || c.meta.produces.includes('*')),
    )
  const has = (key: string) => (isKindKey(key) ? served.has(groupKindOfKey(key)) : dataFrom(key))
  const run: string[] = []
  const skipped: LivePlan['skipped'] = []
  for (const { detector } of detectors) {
    const missing = missingData(detector.meta, has)
    if (missing.length) skipped.push({ id: detector.meta.id, missing })
    else run.push(detector.meta.id)
  }
  const plan: LivePlan = {
    name: target.name,
    source: target.source,
    status: statusOf(d.errors),
    collectors: applies.map((c) => c.meta.id),
    list: d.served
      .map((s) => ({
        apiVersion: s.group ? `${s.group}/${s.version}` : s.version,
        kind: s.kind,
        resource: s.resource,
        namespaced: s.namespaced,
        keys: s.keys,
        ...(s.fieldSelectors ? { fieldSelectors: s.fieldSelectors } : {}),
      }))
      .sort((a, b) => cmp(`${a.apiVersion}/${a.kind}`, `${b.apiVersion}/${b.kind}`)),
    notServed: d.errors.some((e) => e.code !== 'KDAC_E_LIST_FAILED')
      ? [] // discovery did not finish: nothing is known to be unserved
      : d.notServed.sort((a, b) => cmp(a.groupKind, b.groupKind)),
    superseded: d.superseded.sort((a, b) => cmp(a.groupKind, b.groupKind)),
    neverListed,
    run,
    skipped,
    errors: d.errors,
  }
  if (d.server) plan.server = d.server
  if (target.labels) plan.labels = target.labels
  return plan
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** The LISTs a scan makes of a planned cluster (first pages: a big kind takes one more per 500 objects). */
const lists = (p: LivePlan) => p.list.reduce((n, l) => n + (l.fieldSelectors?.length ?? 1), 0)

/** The plan of a live cluster as text lines. */
export function liveText(p: LivePlan): string[] {
  const out = [
    `Cluster ${p.name} (${p.source})${p.server ? ` at ${p.server}` : ''}: API discovery only, nothing listed yet${p.status === 'scanned' ? '' : ` [${p.status}]`}`,
    ...(p.labels
      ? [
          `  labels: ${Object.entries(p.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`,
        ]
      : []),
    `  collectors: ${p.collectors.join(', ') || 'none'}`,
    `  will list (${p.list.length} kinds, ${lists(p)} LISTs): ${
      p.list
        .map(
          (l) =>
            `${l.resource}.${l.apiVersion}${l.fieldSelectors ? ` (${l.fieldSelectors.join('; ')})` : ''}`,
        )
        .join(', ') || 'nothing'
    }`,
    `  not served (${p.notServed.length}): ${p.notServed.map((n) => n.groupKind).join(', ') || 'none'}`,
  ]
  if (p.superseded.length)
    out.push(
      `  not listed (${p.superseded.length}): ${p.superseded.map((n) => `${n.groupKind}, read from ${n.by}`).join('; ')}`,
    )
  if (p.neverListed.length) out.push(`  never listed (credentials): ${p.neverListed.join(', ')}`)
  out.push(`  will run (${p.run.length}): ${p.run.join(', ') || 'none'}`)
  out.push(`  skipped (${p.skipped.length}):`)
  for (const s of p.skipped) out.push(`    ${s.id}: no ${s.missing.join(', ')}`)
  for (const e of p.errors) out.push(`  ! ${e.message}`)
  return out
}
