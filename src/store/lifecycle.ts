import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely'
import type { Database, FindingsTable, FleetKeysTable, IncidentsTable } from './schema.js'
import type { Dialect } from './migrations.js'
import {
  canonicalJson,
  chunks,
  incidentFromRow,
  num,
  rankOf,
  severityOfRank,
  silenceFromRow,
} from './rows.js'
import { silencingOf } from './silencing.js'
import type { Incident, RecordScanInput, RecordScanResult, SilenceRecord } from './types.js'
import { evidenceJson, validateRecordScan } from './validate.js'

/** What the store's parts share: the query builder, the dialect and its bound-parameter limit. */
export interface StoreContext {
  db: Kysely<Database>
  dialect: Dialect
  paramLimit: number
}

/** The per-finding state recordScan reads before deciding (one query per scan). */
interface Prior {
  fingerprint: string
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

/** A finding's state after this scan, whether it was reported or not. */
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

const FINDING_COLUMNS = 36

function groupKeyOfCause(cluster: string, cause: string): string {
  return `c\u001f${cluster}\u001f${cause}`
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

/** Loads the silences active at `at` (a small table; read once per scan). */
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

/**
 * Records one scan of one cluster in one transaction (see adr/0006-store.md for the rules):
 * upserts the cluster and the reported findings, resolves what the scan proves gone, and keeps
 * the cluster's incidents (per cause) and the fleet incidents (per detector+fleet key) in step.
 */
export async function recordScan(ctx: StoreContext, input: RecordScanInput): Promise<RecordScanResult> {
  validateRecordScan(input)
  const now = input.now.getTime()
  const nowDate = new Date(now)
  const name = input.cluster.name
  const labels = input.cluster.labels ?? {}
  const labelsJson = canonicalJson(labels)
  const result = input.result
  const threshold = input.fleetThreshold ?? 2
  const resolveAfter = input.resolveAfter ?? {}
  const ran = new Set(input.detectorsRan)
  const canResolve = result.status === 'scanned'
  const lastError = result.errors.length > 0 ? (result.errors[0]?.message ?? null) : null

  // Last report of a fingerprint wins; the pipeline never repeats one, but a repeat must not
  // break the multi-row upsert.
  const reported = new Map<string, (typeof input.findings)[number]>()
  for (const f of input.findings) reported.set(f.fingerprint, f)
  const evidence = new Map<string, string>()
  for (const f of reported.values())
    evidence.set(f.fingerprint, evidenceJson(`finding ${f.fingerprint}`, f.evidence))

  return ctx.db.transaction().execute(async (trx) => {
    // The cluster row first: its row lock (PostgreSQL) or the write lock (SQLite) orders writers
    // of one cluster, so what is read below stays true until commit.
    const cl = await trx
      .insertInto('clusters')
      .values({
        name,
        source: input.cluster.source,
        labels: labelsJson,
        first_seen: now,
        scans: 1,
        last_scan_at: now,
        last_scan_id: null,
        last_status: result.status,
        last_error: lastError,
      })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          source: eb.ref('excluded.source'),
          scans: sql<number>`clusters.scans + 1`,
          last_scan_at: eb.ref('excluded.last_scan_at'),
          last_status: eb.ref('excluded.last_status'),
          last_error: eb.ref('excluded.last_error'),
        })),
      )
      .returning(['labels', 'scans'])
      .executeTakeFirstOrThrow()
    const firstScan = num(cl.scans) === 1
    const labelsChanged = !firstScan && cl.labels !== labelsJson

    const prior: Prior[] = firstScan
      ? []
      : await trx
          .selectFrom('findings')
          .select([
            'fingerprint',
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
          .$if(labelsChanged, (q) => q.select('object_labels'))
          .where('cluster', '=', name)
          .execute()
    const openIncidents = firstScan
      ? []
      : await trx
          .selectFrom('incidents')
          .selectAll()
          .where('kind', '=', 'cluster')
          .where('cluster', '=', name)
          .where('state', '=', 'open')
          .execute()
    // A silence change holds the 'silences' row for update until it has re-applied silences to
    // every finding; on PostgreSQL, wait for it (SQLite's single writer already orders them).
    if (ctx.dialect === 'postgres')
      await trx.selectFrom('store_meta').select('value').where('key', '=', 'silences').forShare().execute()
    const silences = await activeSilences(trx, now)

    // Decide every finding's state after this scan.
    const priorByFp = new Map<string, Prior>()
    for (const p of prior) priorByFp.set(p.fingerprint, p)
    const after = new Map<string, After>()
    let newFindings = 0
    let reopened = 0
    const resolveFps: string[] = []
    const cleanFps: string[] = []
    for (const f of reported.values()) {
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
    const resilence: { fp: string; until: number | null; by: string | null }[] = []
    for (const p of prior) {
      if (reported.has(p.fingerprint)) continue
      let state = p.state as 'open' | 'resolved'
      if (state === 'open' && canResolve && ran.has(p.detector)) {
        if (p.clean_scans + 1 >= (resolveAfter[p.detector] ?? 1)) {
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
    const incidentRows: Insertable<IncidentsTable>[] = []
    const opened: Incident[] = []
    const escalated: Incident[] = []
    const resolved: Incident[] = []
    const incidentOfCause = new Map<string, string>()
    for (const [cause, g] of groups) {
      const title = clusterTitle(g)
      const cur = openByCause.get(cause)
      if (!cur) {
        const row: Insertable<IncidentsTable> = {
          id: randomUUID(),
          kind: 'cluster',
          group_key: groupKeyOfCause(name, cause),
          cluster: name,
          cause,
          detector: null,
          title,
          severity: severityOfRank(g.rank),
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
        opened.push(incidentFromRow(row as Selectable<IncidentsTable>))
        incidentOfCause.set(cause, row.id)
        continue
      }
      incidentOfCause.set(cause, cur.id)
      const peak = num(cur.peak_rank)
      if (num(cur.rank) === g.rank && num(cur.members) === g.members && cur.title === title) continue
      const row = {
        ...cur,
        title,
        severity: severityOfRank(g.rank),
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
    // Open findings that are not reported keep their incident; repair any that point elsewhere.
    const relink: { fp: string; id: string }[] = []
    for (const a of after.values()) {
      if (a.state !== 'open') continue
      const id = incidentOfCause.get(a.cause) as string
      if (a.reported) a.incidentId = id
      else if (a.incidentId !== id) relink.push({ fp: a.fingerprint, id })
    }

    const scan = await trx
      .insertInto('scans')
      .values({
        cluster: name,
        started_at: input.startedAt?.getTime() ?? now,
        finished_at: now,
        status: result.status,
        objects: result.objects,
        findings: reported.size,
        new_findings: newFindings,
        reopened_findings: reopened,
        resolved_findings: resolveFps.length,
        errors: JSON.stringify(result.errors),
        detectors_ran: JSON.stringify(input.detectorsRan),
        skipped: JSON.stringify(result.skipped),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const scanId = num(scan.id)

    // Reported findings: one multi-row upsert per chunk.
    const rows: Insertable<FindingsTable>[] = []
    for (const f of reported.values()) {
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
      rows.push({
        fingerprint: f.fingerprint,
        detector: f.detector,
        cluster: name,
        api_version: f.object.apiVersion,
        kind: f.object.kind,
        namespace: f.object.namespace ?? '',
        name: f.object.name,
        uid: f.object.uid ?? null,
        severity: f.severity,
        rank: rankOf(f.severity),
        category: f.category,
        title: f.title,
        message_id: f.messageId,
        message: f.message,
        evidence: evidence.get(f.fingerprint) as string,
        remediation: f.remediation,
        runbook: f.runbook,
        cause: f.cause,
        fleet_key: f.fleetKey ?? null,
        object_labels: f.objectLabels ? canonicalJson(f.objectLabels) : '{}',
        state: 'open',
        first_seen: now,
        last_seen: now,
        resolved_at: null,
        occurrences: 1,
        reopen_count: 0,
        clean_scans: 0,
        incident_id: after.get(f.fingerprint)?.incidentId ?? null,
        ack_by: null,
        ack_at: null,
        ack_comment: null,
        snoozed_until: null,
        silenced_until: s.until,
        silenced_by: s.by,
      })
    }
    for (const chunk of chunks(rows, FINDING_COLUMNS, ctx.paramLimit, 500)) {
      await trx
        .insertInto('findings')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('fingerprint').doUpdateSet((eb) => ({
            api_version: eb.ref('excluded.api_version'),
            kind: eb.ref('excluded.kind'),
            namespace: eb.ref('excluded.namespace'),
            name: eb.ref('excluded.name'),
            uid: eb.ref('excluded.uid'),
            severity: eb.ref('excluded.severity'),
            rank: eb.ref('excluded.rank'),
            category: eb.ref('excluded.category'),
            title: eb.ref('excluded.title'),
            message_id: eb.ref('excluded.message_id'),
            message: eb.ref('excluded.message'),
            evidence: eb.ref('excluded.evidence'),
            remediation: eb.ref('excluded.remediation'),
            runbook: eb.ref('excluded.runbook'),
            cause: eb.ref('excluded.cause'),
            fleet_key: eb.ref('excluded.fleet_key'),
            object_labels: eb.ref('excluded.object_labels'),
            state: eb.ref('excluded.state'),
            last_seen: eb.ref('excluded.last_seen'),
            resolved_at: eb.ref('excluded.resolved_at'),
            // Counters and acknowledgements from the row as it is now, so a concurrent
            // acknowledge is never lost: a reopened finding loses its acknowledgement.
            occurrences: sql<number>`findings.occurrences + 1`,
            reopen_count: sql<number>`findings.reopen_count + case when findings.state = 'resolved' then 1 else 0 end`,
            clean_scans: eb.ref('excluded.clean_scans'),
            incident_id: eb.ref('excluded.incident_id'),
            ack_by: sql<
              string | null
            >`case when findings.state = 'resolved' then null else findings.ack_by end`,
            ack_at: sql<
              number | null
            >`case when findings.state = 'resolved' then null else findings.ack_at end`,
            ack_comment: sql<
              string | null
            >`case when findings.state = 'resolved' then null else findings.ack_comment end`,
            silenced_until: eb.ref('excluded.silenced_until'),
            silenced_by: eb.ref('excluded.silenced_by'),
          })),
        )
        .execute()
    }
    for (const chunk of chunks(resolveFps, 1, ctx.paramLimit, 5000))
      await trx
        .updateTable('findings')
        .set({ state: 'resolved', resolved_at: now, clean_scans: sql<number>`clean_scans + 1` })
        .where('fingerprint', 'in', chunk)
        .execute()
    for (const chunk of chunks(cleanFps, 1, ctx.paramLimit, 5000))
      await trx
        .updateTable('findings')
        .set({ clean_scans: sql<number>`clean_scans + 1` })
        .where('fingerprint', 'in', chunk)
        .execute()
    for (const r of resilence)
      await trx
        .updateTable('findings')
        .set({ silenced_until: r.until, silenced_by: r.by })
        .where('fingerprint', '=', r.fp)
        .execute()
    for (const r of relink)
      await trx.updateTable('findings').set({ incident_id: r.id }).where('fingerprint', '=', r.fp).execute()

    // Fleet incidents: per detector+fleet key, count this cluster in or out incrementally.
    const fleet = await maintainFleet(ctx, trx, prior, after, threshold, now)
    incidentRows.push(...fleet.incidentRows)

    for (const chunk of chunks(incidentRows, 17, ctx.paramLimit, 500))
      await trx
        .insertInto('incidents')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            severity: eb.ref('excluded.severity'),
            rank: eb.ref('excluded.rank'),
            peak_rank: eb.ref('excluded.peak_rank'),
            state: eb.ref('excluded.state'),
            updated_at: eb.ref('excluded.updated_at'),
            resolved_at: eb.ref('excluded.resolved_at'),
            members: eb.ref('excluded.members'),
            clusters: eb.ref('excluded.clusters'),
          })),
        )
        .execute()

    await trx
      .updateTable('clusters')
      .set(labelsChanged ? { last_scan_id: scanId, labels: labelsJson } : { last_scan_id: scanId })
      .where('name', '=', name)
      .execute()
    if (firstScan || labelsChanged) {
      if (labelsChanged) await trx.deleteFrom('cluster_labels').where('cluster', '=', name).execute()
      const lrows = Object.entries(labels).map(([key, value]) => ({ cluster: name, key, value }))
      for (const chunk of chunks(lrows, 3, ctx.paramLimit, 1000))
        await trx.insertInto('cluster_labels').values(chunk).execute()
    }

    return {
      scanId,
      opened: [...opened, ...fleet.opened],
      escalated: [...escalated, ...fleet.escalated],
      resolved: [...resolved, ...fleet.resolved],
      newFindings,
      reopened,
      resolvedFindings: resolveFps.length,
    }
  })
}

interface KeyChange {
  key: string
  detector: string
  fleetKey: string
  title: string
  before: { count: number; rank: number }
  after: { count: number; rank: number }
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
  const m = new Map<
    string,
    { count: number; rank: number; title: string; detector: string; fleetKey: string }
  >()
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

/**
 * Moves this cluster's contribution to each detector+fleet key it changed (clusters with it open,
 * open members, highest severity) in fleet_keys, then returns the fleet incidents to open, update
 * or resolve. Keys are written in sorted order, so concurrent scans of different clusters lock
 * them in one order and never deadlock.
 */
async function maintainFleet(
  ctx: StoreContext,
  trx: Transaction<Database>,
  prior: Prior[],
  after: Map<string, After>,
  threshold: number,
  now: number,
) {
  const out = {
    incidentRows: [] as Insertable<IncidentsTable>[],
    opened: [] as Incident[],
    escalated: [] as Incident[],
    resolved: [] as Incident[],
  }
  const before = openByFleetKey(
    prior.map((p) => ({
      state: p.state,
      rank: num(p.rank),
      title: p.title,
      detector: p.detector,
      fleetKey: p.fleet_key,
    })),
  )
  const afterKeys = openByFleetKey(after.values())
  const changes: KeyChange[] = []
  for (const key of new Set([...before.keys(), ...afterKeys.keys()])) {
    const b = before.get(key)
    const a = afterKeys.get(key)
    const bs = { count: b?.count ?? 0, rank: b?.rank ?? 0 }
    const as = { count: a?.count ?? 0, rank: a?.rank ?? 0 }
    if (bs.count === as.count && bs.rank === as.rank) continue
    const any = (a ?? b) as NonNullable<typeof a>
    changes.push({
      key,
      detector: any.detector,
      fleetKey: any.fleetKey,
      title: any.title,
      before: bs,
      after: as,
    })
  }
  if (changes.length === 0) return out
  changes.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))

  const keyRows: Insertable<FleetKeysTable>[] = changes.map((c) => ({
    detector: c.detector,
    fleet_key: c.fleetKey,
    title: c.title,
    clusters: (c.after.count > 0 ? 1 : 0) - (c.before.count > 0 ? 1 : 0),
    members: c.after.count - c.before.count,
    rank: c.after.rank,
    peak_rank: c.after.rank,
    incident_id: null,
    updated_at: now,
  }))
  const current: Selectable<FleetKeysTable>[] = []
  for (const chunk of chunks(keyRows, 9, ctx.paramLimit, 500))
    current.push(
      ...(await trx
        .insertInto('fleet_keys')
        .values(chunk)
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
  const changeOf = new Map(changes.map((c) => [c.key, c]))

  const existingIds = current.filter((r) => r.incident_id !== null).map((r) => r.incident_id as string)
  const existing = new Map<string, Selectable<IncidentsTable>>()
  for (const chunk of chunks(existingIds, 1, ctx.paramLimit, 5000))
    for (const r of await trx.selectFrom('incidents').selectAll().where('id', 'in', chunk).execute())
      existing.set(r.id, r)

  const keyUpdates: Insertable<FleetKeysTable>[] = []
  for (const r of current) {
    const c = changeOf.get(groupKeyOfFleet(r.detector, r.fleet_key)) as KeyChange
    const clusters = Math.max(0, num(r.clusters))
    const members = Math.max(0, num(r.members))
    let rank = num(r.rank)
    let peak = num(r.peak_rank)
    let incidentId = r.incident_id
    // This cluster may have held the highest severity and lowered it: ask the index for the max.
    if (c.after.rank < c.before.rank && rank <= c.before.rank) {
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
      const row: Insertable<IncidentsTable> = {
        id: randomUUID(),
        kind: 'fleet',
        group_key: groupKeyOfFleet(r.detector, r.fleet_key),
        cluster: null,
        cause: r.fleet_key,
        detector: r.detector,
        title,
        severity: severityOfRank(rank),
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
      out.incidentRows.push(row)
      out.opened.push(incidentFromRow(row as Selectable<IncidentsTable>))
      incidentId = row.id
      peak = rank
    } else if (clusters >= threshold && cur !== undefined) {
      const row = {
        ...cur,
        title,
        severity: severityOfRank(rank),
        rank,
        peak_rank: Math.max(peak, rank),
        members,
        clusters,
        updated_at: now,
      }
      out.incidentRows.push(row)
      if (rank > peak) out.escalated.push(incidentFromRow(row))
      peak = Math.max(peak, rank)
    } else if (cur !== undefined) {
      const row = { ...cur, state: 'resolved', resolved_at: now, updated_at: now, members, clusters }
      out.incidentRows.push(row)
      out.resolved.push(incidentFromRow(row))
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
