import { hash, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { InsertQueryBuilder, InsertResult, Kysely, Selectable, Transaction } from 'kysely'
import type { Database, FleetKeysTable, IncidentsTable } from './schema.js'
import type { Dialect } from './migrations.js'
import { canonicalJson, chunks, incidentFromRow, num, rankOf, silenceFromRow } from './rows.js'
import { silencingOf } from './silencing.js'
import { insertRows } from './bulk.js'
import type { ColumnType } from './bulk.js'
import type {
  Incident,
  RecordScanInput,
  RecordScanResult,
  SilenceRecord,
  StoredFindingInput,
} from './types.js'
import { bodyJson, validateRecordScan } from './validate.js'

/** What the store's parts share: the query builder, the dialect and its bound-parameter limit. */
export interface StoreContext {
  db: Kysely<Database>
  dialect: Dialect
  paramLimit: number
  /** Told the findings of each committed write batch (SQLite's background checkpointer listens). */
  wrote?: (rows: number) => void
}

/** A scan checked and serialised, ready to be written (validation happens before any transaction). */
export interface PreparedScan {
  input: RecordScanInput
  now: number
  name: string
  labels: Record<string, string>
  labelsJson: string
  /** Reported findings by fingerprint (the last report of a fingerprint wins). */
  reported: Map<string, StoredFindingInput>
  /** findings.body per fingerprint. */
  bodies: Map<string, string>
  objectLabels: Map<string, string>
}

/** Checks and serialises a scan; throws KDAC_E_STORE_INPUT naming the finding and field. */
export function prepareScan(input: RecordScanInput): PreparedScan {
  validateRecordScan(input)
  const reported = new Map<string, StoredFindingInput>()
  for (const f of input.findings) reported.set(f.fingerprint, f)
  const bodies = new Map<string, string>()
  const objectLabels = new Map<string, string>()
  for (const f of reported.values()) {
    bodies.set(f.fingerprint, bodyJson(`finding ${f.fingerprint} of cluster "${input.cluster.name}"`, f))
    // Stored for matching, never compared as text: no need to sort the keys.
    objectLabels.set(f.fingerprint, f.objectLabels ? JSON.stringify(f.objectLabels) : '{}')
  }
  const labels = input.cluster.labels ?? {}
  return {
    input,
    now: input.now.getTime(),
    name: input.cluster.name,
    labels,
    labelsJson: canonicalJson(labels),
    reported,
    bodies,
    objectLabels,
  }
}

/** The per-finding state read before deciding. */
interface Prior {
  fingerprint: string
  cluster: string
  detector: string
  state: string
  rank: number
  title: string
  cause: string
  fleet_key: string | null
  clean_scans: number
  incident_id: string | null
  silenced_until: number | null
  silenced_by: string | null
  namespace: string
  object_labels?: string
}

/** A finding's state after the scan, whether it was reported or not. */
interface After {
  fingerprint: string
  detector: string
  state: 'open' | 'resolved'
  rank: number
  title: string
  cause: string
  fleetKey: string | null
  incidentId: string | null
  reported: boolean
}

interface Group {
  members: number
  rank: number
  title: string
  titleFp: string
}

/** Open findings of one detector+fleet key in one cluster. */
interface KeyStat {
  detector: string
  fleetKey: string
  title: string
  count: number
  rank: number
}

/** What one scan decided, before anything is written. */
interface ScanPlan {
  scan: PreparedScan
  result: RecordScanResult
  findingRows: unknown[][]
  resolveFps: string[]
  cleanFps: string[]
  resilence: { fp: string; until: number | null; by: string | null }[]
  relink: { fp: string; id: string }[]
  incidentRows: Selectable<IncidentsTable>[]
  fleetBefore: Map<string, KeyStat>
  fleetAfter: Map<string, KeyStat>
  /** Every finding of the cluster after the scan. */
  after: Map<string, After>
  labelsChanged: boolean
  firstScan: boolean
}

// What an insert writes, with each column's type as migrations.ts declares it (PostgreSQL binds
// one array of each); the rest take their defaults (state open, occurrences 1, counters 0, nulls).
export const FINDING_COLUMN_TYPES = {
  fingerprint: 'text',
  detector: 'text',
  cluster: 'text',
  namespace: 'text',
  rank: 'integer',
  title: 'text',
  body: 'text',
  cause: 'text',
  fleet_key: 'text',
  object_labels: 'text',
  first_seen: 'bigint',
  last_seen: 'bigint',
  incident_id: 'text',
  silenced_until: 'bigint',
  silenced_by: 'text',
} as const satisfies Record<string, ColumnType>
const FINDING_COLUMNS = Object.keys(FINDING_COLUMN_TYPES) as (keyof typeof FINDING_COLUMN_TYPES)[]
const FINDING_TYPES: readonly ColumnType[] = Object.values(FINDING_COLUMN_TYPES)

const INCIDENT_COLUMN_TYPES = {
  id: 'text',
  kind: 'text',
  cluster: 'text',
  group_hash: 'text',
  detector: 'text',
  cause: 'text',
  title: 'text',
  rank: 'integer',
  peak_rank: 'integer',
  state: 'text',
  opened_at: 'bigint',
  updated_at: 'bigint',
  resolved_at: 'bigint',
  last_notified_at: 'bigint',
  members: 'integer',
  clusters: 'integer',
} as const satisfies Record<string, ColumnType>
const INCIDENT_COLUMNS = Object.keys(INCIDENT_COLUMN_TYPES) as (keyof typeof INCIDENT_COLUMN_TYPES)[]
const INCIDENT_TYPES: readonly ColumnType[] = Object.values(INCIDENT_COLUMN_TYPES)

/** An incident group's short key (see incidents.group_hash). */
function groupHash(kind: string, cluster: string, detector: string, cause: string): string {
  return hash('sha256', `${kind}\u0000${cluster}\u0000${detector}\u0000${cause}`).slice(0, 32)
}

/**
 * A new incident's id: a UUIDv7 (time first), so new incidents go to the end of the primary-key
 * index instead of random places in it.
 */
function newIncidentId(now: number): string {
  const r = randomUUID()
  const t = Math.max(0, Math.min(now, 0xffffffffffff)).toString(16).padStart(12, '0')
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(15)}`
}

function groupKeyOfFleet(detector: string, fleetKey: string): string {
  return `f\u001f${detector}\u001f${fleetKey}`
}

function clusterTitle(g: Group): string {
  return g.members === 1 ? g.title : `${g.title} (+${g.members - 1} more)`
}

function fleetTitle(clusters: number, title: string, fleetKey: string): string {
  return `${clusters} clusters have ${title} (${fleetKey})`
}

/** Loads the silences active at `at` (a small table; read once per write batch). */
export async function activeSilences(
  db: Kysely<Database> | Transaction<Database>,
  at: number,
): Promise<SilenceRecord[]> {
  const rows = await db
    .selectFrom('silences')
    .selectAll()
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .orderBy('id')
    .execute()
  return rows.map(silenceFromRow)
}

function openByFleetKey(
  entries: Iterable<{
    state: string
    rank: number
    title: string
    detector: string
    fleetKey: string | null
  }>,
) {
  const m = new Map<string, KeyStat>()
  for (const e of entries) {
    if (e.state !== 'open' || e.fleetKey === null) continue
    const k = groupKeyOfFleet(e.detector, e.fleetKey)
    const s = m.get(k)
    if (!s) m.set(k, { count: 1, rank: e.rank, title: e.title, detector: e.detector, fleetKey: e.fleetKey })
    else {
      s.count++
      if (e.rank > s.rank) s.rank = e.rank
    }
  }
  return m
}

/** Decides one scan: finding states, the cluster's incidents, its fleet-key contributions. */
function planScan(
  scan: PreparedScan,
  firstScan: boolean,
  labelsChanged: boolean,
  prior: Prior[],
  openIncidents: Selectable<IncidentsTable>[],
  silences: SilenceRecord[],
): ScanPlan {
  const { input, now, name, labels } = scan
  const nowDate = new Date(now)
  const resolveAfter = input.resolveAfter ?? {}
  const ran = new Set(input.detectorsRan)
  const canResolve = input.result.status === 'scanned'
  const priorByFp = new Map<string, Prior>()
  for (const p of prior) priorByFp.set(p.fingerprint, p)

  const after = new Map<string, After>()
  let newFindings = 0
  let reopened = 0
  for (const f of scan.reported.values()) {
    const p = priorByFp.get(f.fingerprint)
    if (!p) newFindings++
    else if (p.state === 'resolved') reopened++
    after.set(f.fingerprint, {
      fingerprint: f.fingerprint,
      detector: f.detector,
      state: 'open',
      rank: rankOf(f.severity),
      title: f.title,
      cause: f.cause,
      fleetKey: f.fleetKey ?? null,
      incidentId: null,
      reported: true,
    })
  }
  const resolveFps: string[] = []
  const cleanFps: string[] = []
  const resilence: ScanPlan['resilence'] = []
  for (const p of prior) {
    if (scan.reported.has(p.fingerprint)) continue
    let state = p.state as 'open' | 'resolved'
    // Resolved only by a complete scan in which the finding's detector ran and stayed quiet.
    if (state === 'open' && canResolve && ran.has(p.detector)) {
      if (num(p.clean_scans) + 1 >= (resolveAfter[p.detector] ?? 1)) {
        state = 'resolved'
        resolveFps.push(p.fingerprint)
      } else cleanFps.push(p.fingerprint)
    }
    if (labelsChanged) {
      const s = silencingOf(
        silences,
        {
          detector: p.detector,
          cluster: name,
          clusterLabels: labels,
          namespace: p.namespace,
          objectLabels: JSON.parse(p.object_labels ?? '{}') as Record<string, string>,
        },
        nowDate,
      )
      if (s.until !== (p.silenced_until === null ? null : num(p.silenced_until)) || s.by !== p.silenced_by)
        resilence.push({ fp: p.fingerprint, until: s.until, by: s.by })
    }
    after.set(p.fingerprint, {
      fingerprint: p.fingerprint,
      detector: p.detector,
      state,
      rank: num(p.rank),
      title: p.title,
      cause: p.cause,
      fleetKey: p.fleet_key,
      incidentId: p.incident_id,
      reported: false,
    })
  }

  // Cluster incidents: one per cause among the open findings.
  const groups = new Map<string, Group>()
  for (const a of after.values()) {
    if (a.state !== 'open') continue
    const g = groups.get(a.cause)
    if (!g) groups.set(a.cause, { members: 1, rank: a.rank, title: a.title, titleFp: a.fingerprint })
    else {
      g.members++
      if (a.rank > g.rank || (a.rank === g.rank && a.fingerprint < g.titleFp)) {
        g.rank = a.rank
        g.title = a.title
        g.titleFp = a.fingerprint
      }
    }
  }
  const openByCause = new Map(openIncidents.map((i) => [i.cause, i]))
  const incidentRows: Selectable<IncidentsTable>[] = []
  const opened: Incident[] = []
  const escalated: Incident[] = []
  const resolved: Incident[] = []
  const incidentOfCause = new Map<string, string>()
  for (const [cause, g] of groups) {
    const title = clusterTitle(g)
    const cur = openByCause.get(cause)
    if (!cur) {
      const row: Selectable<IncidentsTable> = {
        id: newIncidentId(now),
        kind: 'cluster',
        cluster: name,
        group_hash: groupHash('cluster', name, '', cause),
        cause,
        detector: '',
        title,
        rank: g.rank,
        peak_rank: g.rank,
        state: 'open',
        opened_at: now,
        updated_at: now,
        resolved_at: null,
        last_notified_at: null,
        members: g.members,
        clusters: 1,
      }
      incidentRows.push(row)
      opened.push(incidentFromRow(row))
      incidentOfCause.set(cause, row.id)
      continue
    }
    incidentOfCause.set(cause, cur.id)
    const peak = num(cur.peak_rank)
    if (num(cur.rank) === g.rank && num(cur.members) === g.members && cur.title === title) continue
    const row = {
      ...cur,
      title,
      rank: g.rank,
      peak_rank: Math.max(peak, g.rank),
      members: g.members,
      updated_at: now,
    }
    incidentRows.push(row)
    if (g.rank > peak) escalated.push(incidentFromRow(row))
  }
  for (const cur of openIncidents) {
    if (groups.has(cur.cause)) continue
    const row = { ...cur, state: 'resolved', resolved_at: now, updated_at: now }
    incidentRows.push(row)
    resolved.push(incidentFromRow(row))
  }
  // Open findings not reported keep their incident; repair any that point elsewhere.
  const relink: ScanPlan['relink'] = []
  for (const a of after.values()) {
    if (a.state !== 'open') continue
    const id = incidentOfCause.get(a.cause) as string
    if (a.reported) a.incidentId = id
    else if (a.incidentId !== id) relink.push({ fp: a.fingerprint, id })
  }

  const findingRows: unknown[][] = []
  for (const f of scan.reported.values()) {
    const s = silencingOf(
      silences,
      {
        detector: f.detector,
        cluster: name,
        clusterLabels: labels,
        namespace: f.object.namespace ?? '',
        objectLabels: f.objectLabels ?? {},
      },
      nowDate,
    )
    // In FINDING_COLUMNS order.
    findingRows.push([
      f.fingerprint,
      f.detector,
      name,
      f.object.namespace ?? '',
      rankOf(f.severity),
      f.title,
      scan.bodies.get(f.fingerprint),
      f.cause,
      f.fleetKey ?? null,
      scan.objectLabels.get(f.fingerprint),
      now,
      now,
      after.get(f.fingerprint)?.incidentId ?? null,
      s.until,
      s.by,
    ])
  }

  const fleetBefore = openByFleetKey(
    prior.map((p) => ({
      state: p.state,
      rank: num(p.rank),
      title: p.title,
      detector: p.detector,
      fleetKey: p.fleet_key,
    })),
  )
  const fleetAfter = openByFleetKey(after.values())
  return {
    scan,
    result: {
      scanId: 0,
      opened,
      escalated,
      resolved,
      newFindings,
      reopened,
      resolvedFindings: resolveFps.length,
    },
    findingRows,
    resolveFps,
    cleanFps,
    resilence,
    relink,
    incidentRows,
    fleetBefore,
    fleetAfter,
    after,
    labelsChanged,
    firstScan,
  }
}

/**
 * Records a batch of scans (of distinct clusters) in one transaction, with statements shared
 * across the batch: the rules of adr/0007-store.md applied per scan, then the incidents of each
 * cluster and the fleet incidents. All or nothing; results in input order.
 */
export async function recordScans(ctx: StoreContext, scans: PreparedScan[]): Promise<RecordScanResult[]> {
  if (scans.length === 0) return []
  const names = new Set<string>()
  for (const s of scans) {
    if (names.has(s.name)) throw new Error(`internal: cluster ${s.name} twice in one write batch`)
    names.add(s.name)
  }
  return ctx.db.transaction().execute(async (trx) => {
    // Clusters first, in name order: on PostgreSQL their row locks order writers of a cluster
    // (what is read below stays true until commit) without deadlocks; on SQLite this first write
    // takes the database's write lock.
    const byName = [...scans].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const clusterState = new Map<string, { labels: string; scans: number }>()
    for (const chunk of chunks(byName, 9, ctx.paramLimit, 500)) {
      const rows = await trx
        .insertInto('clusters')
        .values(
          chunk.map((s) => ({
            name: s.name,
            source: s.input.cluster.source,
            labels: s.labelsJson,
            first_seen: s.now,
            scans: 1,
            last_scan_at: s.now,
            last_status: s.input.result.status,
            last_error: s.input.result.errors[0]?.message.slice(0, 4096) ?? null,
          })),
        )
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({
            source: eb.ref('excluded.source'),
            scans: sql<number>`clusters.scans + 1`,
            last_scan_at: eb.ref('excluded.last_scan_at'),
            last_status: eb.ref('excluded.last_status'),
            last_error: eb.ref('excluded.last_error'),
          })),
        )
        .returning(['name', 'labels', 'scans'])
        .execute()
      for (const r of rows) clusterState.set(r.name, { labels: r.labels, scans: num(r.scans) })
    }
    const known = byName.filter((s) => (clusterState.get(s.name)?.scans ?? 1) > 1).map((s) => s.name)
    const relabelled = new Set(
      byName
        .filter((s) => {
          const c = clusterState.get(s.name)
          return c !== undefined && c.scans > 1 && c.labels !== s.labelsJson
        })
        .map((s) => s.name),
    )

    const priors = new Map<string, Prior[]>()
    const incidents = new Map<string, Selectable<IncidentsTable>[]>()
    for (const chunk of chunks(known, 1, ctx.paramLimit, 1000)) {
      const rows = await trx
        .selectFrom('findings')
        .select([
          'fingerprint',
          'cluster',
          'detector',
          'state',
          'rank',
          'title',
          'cause',
          'fleet_key',
          'clean_scans',
          'incident_id',
          'silenced_until',
          'silenced_by',
          'namespace',
        ])
        .$if(relabelled.size > 0, (q) => q.select('object_labels'))
        .where('cluster', 'in', chunk)
        .execute()
      for (const r of rows) {
        const l = priors.get(r.cluster)
        if (l) l.push(r)
        else priors.set(r.cluster, [r])
      }
      const inc = await trx
        .selectFrom('incidents')
        .selectAll()
        .where('cluster', 'in', chunk)
        .where('state', '=', 'open')
        .execute()
      for (const r of inc) {
        const l = incidents.get(r.cluster)
        if (l) l.push(r)
        else incidents.set(r.cluster, [r])
      }
    }

    // A silence change holds the 'silences' row for update until it has re-applied silences to
    // every finding; on PostgreSQL, wait for it (SQLite's single writer already orders them).
    if (ctx.dialect === 'postgres')
      await trx.selectFrom('store_meta').select('value').where('key', '=', 'silences').forShare().execute()
    const silences = await activeSilences(trx, Math.min(...scans.map((s) => s.now)))

    const plans = scans.map((s) =>
      planScan(
        s,
        !known.includes(s.name),
        relabelled.has(s.name),
        priors.get(s.name) ?? [],
        incidents.get(s.name) ?? [],
        silences,
      ),
    )

    const scanIds = new Map<string, number>()
    for (const chunk of chunks(plans, 12, ctx.paramLimit, 500)) {
      const rows = await trx
        .insertInto('scans')
        .values(
          chunk.map((p) => ({
            cluster: p.scan.name,
            started_at: p.scan.input.startedAt?.getTime() ?? p.scan.now,
            finished_at: p.scan.now,
            status: p.scan.input.result.status,
            objects: p.scan.input.result.objects,
            findings: p.scan.reported.size,
            new_findings: p.result.newFindings,
            reopened_findings: p.result.reopened,
            resolved_findings: p.result.resolvedFindings,
            errors: JSON.stringify(p.scan.input.result.errors),
            detectors_ran: JSON.stringify(p.scan.input.detectorsRan),
            skipped: JSON.stringify(p.scan.input.result.skipped),
          })),
        )
        .returning(['id', 'cluster'])
        .execute()
      for (const r of rows) scanIds.set(r.cluster, num(r.id))
    }
    for (const p of plans) p.result.scanId = scanIds.get(p.scan.name) as number
    // Each cluster's last scan id, by the same multi-row upsert (the rows exist: no insert happens).
    for (const chunk of chunks(byName, 10, ctx.paramLimit, 500))
      await trx
        .insertInto('clusters')
        .values(
          chunk.map((s) => ({
            name: s.name,
            source: s.input.cluster.source,
            labels: s.labelsJson,
            first_seen: s.now,
            scans: 1,
            last_scan_id: scanIds.get(s.name) as number,
          })),
        )
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({ last_scan_id: eb.ref('excluded.last_scan_id') })),
        )
        .execute()

    // SQLite: in fingerprint order. Fingerprints are hashes, so in scan order each row lands on a
    // random page of the fingerprint index; sorted, neighbours share pages, and the commits and
    // checkpoints of 500,000 findings write 4.1 GB instead of 5.3 GB. (PostgreSQL measured no
    // better and its client used more CPU; see adr/0007-store.md.)
    const findingRows = plans.flatMap((p) => p.findingRows)
    if (ctx.dialect === 'sqlite')
      findingRows.sort((a, b) => (a[0] === b[0] ? 0 : (a[0] as string) < (b[0] as string) ? -1 : 1))
    await insertRows(ctx, trx, 'findings', FINDING_COLUMNS, FINDING_TYPES, findingRows, findingsUpsert)

    const resolveByTime = new Map<number, string[]>()
    for (const p of plans)
      if (p.resolveFps.length > 0)
        resolveByTime.set(p.scan.now, [...(resolveByTime.get(p.scan.now) ?? []), ...p.resolveFps])
    for (const [at, fps] of resolveByTime)
      for (const chunk of chunks(fps, 1, ctx.paramLimit, 5000))
        await trx
          .updateTable('findings')
          .set({ state: 'resolved', resolved_at: at, clean_scans: sql<number>`clean_scans + 1` })
          .where('fingerprint', 'in', chunk)
          .execute()
    for (const chunk of chunks(
      plans.flatMap((p) => p.cleanFps),
      1,
      ctx.paramLimit,
      5000,
    ))
      await trx
        .updateTable('findings')
        .set({ clean_scans: sql<number>`clean_scans + 1` })
        .where('fingerprint', 'in', chunk)
        .execute()
    for (const p of plans) {
      for (const r of p.resilence)
        await trx
          .updateTable('findings')
          .set({ silenced_until: r.until, silenced_by: r.by })
          .where('fingerprint', '=', r.fp)
          .execute()
      for (const r of p.relink)
        await trx.updateTable('findings').set({ incident_id: r.id }).where('fingerprint', '=', r.fp).execute()
    }

    await writeIncidents(
      ctx,
      trx,
      plans.flatMap((p) => p.incidentRows),
    )
    for (const p of plans) {
      if (p.labelsChanged)
        await trx
          .updateTable('clusters')
          .set({ labels: p.scan.labelsJson })
          .where('name', '=', p.scan.name)
          .execute()
    }
    for (const chunk of chunks([...relabelled], 1, ctx.paramLimit, 1000))
      await trx.deleteFrom('cluster_labels').where('cluster', 'in', chunk).execute()
    const labelRows = plans
      .filter((p) => p.firstScan || p.labelsChanged)
      .flatMap((p) =>
        Object.entries(p.scan.labels).map(([key, value]) => ({ cluster: p.scan.name, key, value })),
      )
    for (const chunk of chunks(labelRows, 3, ctx.paramLimit, 1000))
      await trx.insertInto('cluster_labels').values(chunk).execute()

    // Last, the rows every writer shares (fleet keys, then the open counters): their locks are
    // held from here to the commit, so concurrent batches wait on each other as little as possible.
    await writeIncidents(ctx, trx, await maintainFleet(ctx, trx, plans))
    await updateOpenCounts(trx, plans, priors)
    return plans.map((p) => p.result)
  })
}

async function writeIncidents(
  ctx: StoreContext,
  trx: Transaction<Database>,
  rows: Selectable<IncidentsTable>[],
) {
  await insertRows(
    ctx,
    trx,
    'incidents',
    INCIDENT_COLUMNS,
    INCIDENT_TYPES,
    rows.map((r) => INCIDENT_COLUMNS.map((c) => r[c])),
    incidentsUpsert,
  )
}

/**
 * Moves the open-findings counters by what the batch changed. Last in the transaction: every
 * writer updates these few rows, so they are held for as short a time as possible.
 */
async function updateOpenCounts(trx: Transaction<Database>, plans: ScanPlan[], priors: Map<string, Prior[]>) {
  const delta = new Map<string, { detector: string; rank: number; open: number }>()
  const add = (detector: string, rank: number, n: number) => {
    const k = `${detector}\u001f${rank}`
    const d = delta.get(k)
    if (d) d.open += n
    else delta.set(k, { detector, rank, open: n })
  }
  for (const p of plans) {
    for (const f of priors.get(p.scan.name) ?? []) if (f.state === 'open') add(f.detector, num(f.rank), -1)
    for (const a of p.after.values()) if (a.state === 'open') add(a.detector, a.rank, 1)
  }
  const rows = [...delta.entries()]
    .filter(([, d]) => d.open !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, d]) => d)
  for (const chunk of chunks(rows, 3, 30_000, 1000))
    await trx
      .insertInto('open_counts')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['detector', 'rank']).doUpdateSet({ open: sql<number>`open_counts.open + excluded.open` }),
      )
      .execute()
}

// Reported findings: insert, or refresh the row. Counters and acknowledgements come from the row
// as it is at update time, so a concurrent acknowledge is never lost; a reopened finding loses
// its acknowledgement (it is a new occurrence of the problem).
function findingsUpsert(q: InsertBuilder<'findings'>): InsertBuilder<'findings'> {
  return q.onConflict((oc) =>
    oc
      .column('fingerprint')
      .doUpdateSet((eb) => ({
        namespace: eb.ref('excluded.namespace'),
        rank: eb.ref('excluded.rank'),
        title: eb.ref('excluded.title'),
        body: eb.ref('excluded.body'),
        cause: eb.ref('excluded.cause'),
        fleet_key: eb.ref('excluded.fleet_key'),
        object_labels: eb.ref('excluded.object_labels'),
        state: sql<string>`'open'`,
        last_seen: eb.ref('excluded.last_seen'),
        resolved_at: sql<null>`null`,
        occurrences: sql<number>`findings.occurrences + 1`,
        reopen_count: sql<number>`findings.reopen_count + case when findings.state = 'resolved' then 1 else 0 end`,
        clean_scans: sql<number>`0`,
        incident_id: eb.ref('excluded.incident_id'),
        ack_by: sql<string | null>`case when findings.state = 'resolved' then null else findings.ack_by end`,
        ack_at: sql<number | null>`case when findings.state = 'resolved' then null else findings.ack_at end`,
        ack_comment: sql<
          string | null
        >`case when findings.state = 'resolved' then null else findings.ack_comment end`,
        silenced_until: eb.ref('excluded.silenced_until'),
        silenced_by: eb.ref('excluded.silenced_by'),
      }))
      // A fingerprint names one cluster's finding: another cluster never takes the row over.
      .whereRef('findings.cluster', '=', 'excluded.cluster'),
  )
}

function incidentsUpsert(q: InsertBuilder<'incidents'>): InsertBuilder<'incidents'> {
  return q.onConflict((oc) =>
    oc.column('id').doUpdateSet((eb) => ({
      title: eb.ref('excluded.title'),
      rank: eb.ref('excluded.rank'),
      peak_rank: eb.ref('excluded.peak_rank'),
      state: eb.ref('excluded.state'),
      updated_at: eb.ref('excluded.updated_at'),
      resolved_at: eb.ref('excluded.resolved_at'),
      members: eb.ref('excluded.members'),
      clusters: eb.ref('excluded.clusters'),
    })),
  )
}

type InsertBuilder<T extends keyof Database> = InsertQueryBuilder<Database, T, InsertResult>

/** One detector+fleet key's change across the batch. */
interface KeyChange {
  key: string
  detector: string
  fleetKey: string
  title: string
  clusters: number
  members: number
  rank: number
  lowered: boolean
  /** The first scan of the batch that touched the key: fleet incident events are reported with it. */
  plan: ScanPlan
}

/**
 * Moves the batch's contribution to each detector+fleet key it changed (clusters with it open,
 * open members, highest severity) in fleet_keys, then returns the fleet incident rows to open,
 * update or resolve. Keys are written in sorted order, so concurrent writers lock them in one
 * order and never deadlock.
 */
async function maintainFleet(
  ctx: StoreContext,
  trx: Transaction<Database>,
  plans: ScanPlan[],
): Promise<Selectable<IncidentsTable>[]> {
  const changes = new Map<string, KeyChange>()
  for (const p of plans) {
    for (const key of new Set([...p.fleetBefore.keys(), ...p.fleetAfter.keys()])) {
      const b = p.fleetBefore.get(key)
      const a = p.fleetAfter.get(key)
      const bc = b?.count ?? 0
      const ac = a?.count ?? 0
      const br = b?.rank ?? 0
      const ar = a?.rank ?? 0
      if (bc === ac && br === ar) continue
      const any = (a ?? b) as KeyStat
      const c = changes.get(key) ?? {
        key,
        detector: any.detector,
        fleetKey: any.fleetKey,
        title: any.title,
        clusters: 0,
        members: 0,
        rank: 0,
        lowered: false,
        plan: p,
      }
      c.clusters += (ac > 0 ? 1 : 0) - (bc > 0 ? 1 : 0)
      c.members += ac - bc
      c.rank = Math.max(c.rank, ar)
      c.lowered ||= ar < br
      changes.set(key, c)
    }
  }
  if (changes.size === 0) return []
  const sorted = [...changes.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))

  const current: Selectable<FleetKeysTable>[] = []
  for (const chunk of chunks(sorted, 9, ctx.paramLimit, 500))
    current.push(
      ...(await trx
        .insertInto('fleet_keys')
        .values(
          chunk.map((c) => ({
            detector: c.detector,
            fleet_key: c.fleetKey,
            title: c.title,
            clusters: c.clusters,
            members: c.members,
            rank: c.rank,
            peak_rank: c.rank,
            incident_id: null,
            updated_at: c.plan.scan.now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['detector', 'fleet_key']).doUpdateSet((eb) => ({
            clusters: sql<number>`fleet_keys.clusters + excluded.clusters`,
            members: sql<number>`fleet_keys.members + excluded.members`,
            rank: sql<number>`case when excluded.rank > fleet_keys.rank then excluded.rank else fleet_keys.rank end`,
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .execute()),
    )

  const existing = new Map<string, Selectable<IncidentsTable>>()
  const ids = current.filter((r) => r.incident_id !== null).map((r) => r.incident_id as string)
  for (const chunk of chunks(ids, 1, ctx.paramLimit, 5000))
    for (const r of await trx.selectFrom('incidents').selectAll().where('id', 'in', chunk).execute())
      existing.set(r.id, r)

  const out: Selectable<IncidentsTable>[] = []
  const keyUpdates: Selectable<FleetKeysTable>[] = []
  for (const r of current) {
    const c = changes.get(groupKeyOfFleet(r.detector, r.fleet_key)) as KeyChange
    const now = c.plan.scan.now
    const threshold = c.plan.scan.input.fleetThreshold ?? 2
    const clusters = Math.max(0, num(r.clusters))
    const members = Math.max(0, num(r.members))
    let rank = num(r.rank)
    let peak = num(r.peak_rank)
    let incidentId = r.incident_id
    // A cluster lowered its highest severity for the key: ask the index for the fleet's max.
    if (c.lowered) {
      const m = await trx
        .selectFrom('findings')
        .select((eb) => eb.fn.max('rank').as('m'))
        .where('fleet_key', '=', r.fleet_key)
        .where('detector', '=', r.detector)
        .where('state', '=', 'open')
        .executeTakeFirst()
      rank = m?.m === null || m?.m === undefined ? 0 : num(m.m)
    }
    const title = fleetTitle(clusters, r.title, r.fleet_key)
    const cur = incidentId === null ? undefined : existing.get(incidentId)
    if (clusters >= threshold && cur === undefined) {
      const row: Selectable<IncidentsTable> = {
        id: newIncidentId(now),
        kind: 'fleet',
        cluster: '',
        group_hash: groupHash('fleet', '', r.detector, r.fleet_key),
        cause: r.fleet_key,
        detector: r.detector,
        title,
        rank,
        peak_rank: rank,
        state: 'open',
        opened_at: now,
        updated_at: now,
        resolved_at: null,
        last_notified_at: null,
        members,
        clusters,
      }
      out.push(row)
      c.plan.result.opened.push(incidentFromRow(row))
      incidentId = row.id
      peak = rank
    } else if (clusters >= threshold && cur !== undefined) {
      const row = {
        ...cur,
        title,
        rank,
        peak_rank: Math.max(peak, rank),
        members,
        clusters,
        updated_at: now,
      }
      out.push(row)
      if (rank > peak) c.plan.result.escalated.push(incidentFromRow(row))
      peak = Math.max(peak, rank)
    } else if (cur !== undefined) {
      const row = { ...cur, state: 'resolved', resolved_at: now, updated_at: now, members, clusters }
      out.push(row)
      c.plan.result.resolved.push(incidentFromRow(row))
      incidentId = null
      peak = 0
    }
    if (rank !== num(r.rank) || peak !== num(r.peak_rank) || incidentId !== r.incident_id)
      keyUpdates.push({ ...r, rank, peak_rank: peak, incident_id: incidentId })
  }
  for (const chunk of chunks(keyUpdates, 9, ctx.paramLimit, 500))
    await trx
      .insertInto('fleet_keys')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['detector', 'fleet_key']).doUpdateSet((eb) => ({
          rank: eb.ref('excluded.rank'),
          peak_rank: eb.ref('excluded.peak_rank'),
          incident_id: eb.ref('excluded.incident_id'),
        })),
      )
      .execute()
  return out
}
