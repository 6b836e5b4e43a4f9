import { sql } from 'kysely'
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely'
import { KubedacError } from '../core/errors.js'
import { SEVERITIES } from '../core/types.js'
import type { ClusterStatus, Severity } from '../core/types.js'
import type { StoreContext } from './lifecycle.js'
import type { Database } from './schema.js'
import {
  clusterFromRow,
  findingFromRow,
  incidentFromRow,
  num,
  rankOf,
  scanFromRow,
  severityOfRank,
} from './rows.js'
import type {
  ClusterRecord,
  ClusterStatusCount,
  FindingFilter,
  FindingSortField,
  Incident,
  IncidentDetail,
  IncidentFilter,
  OpenFindingCount,
  Page,
  PageRequest,
  ScanRecord,
  StoredFinding,
} from './types.js'
import { checkDate, checkString, MAX_ID, MAX_TEXT } from './validate.js'

/** Most rows one page may ask for. */
export const MAX_PAGE = 1000

const SORT_COLUMNS = {
  lastSeen: 'last_seen',
  firstSeen: 'first_seen',
  severity: 'rank',
  cluster: 'cluster',
  detector: 'detector',
} as const

function bad(detail: string): never {
  throw new KubedacError('KDAC_E_STORE_INPUT', detail)
}

function list<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v]
}

function checkLimit(limit: unknown): number {
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_PAGE)
    bad(`page limit must be an integer from 1 to ${MAX_PAGE}, got ${String(limit)}`)
  return limit as number
}

function checkOffset(offset: unknown): number {
  if (offset === undefined) return 0
  if (!Number.isInteger(offset) || (offset as number) < 0) bad(`page offset must be a non-negative integer`)
  return offset as number
}

function ranks(severity: Severity | Severity[]): number[] {
  return list(severity).map((s) => {
    if (!(SEVERITIES as readonly unknown[]).includes(s))
      bad(`unknown severity ${JSON.stringify(s)}; expected one of ${SEVERITIES.join(', ')}`)
    return rankOf(s)
  })
}

type FindingsQuery<O> = SelectQueryBuilder<Database, 'findings', O>

function encodeCursor(value: unknown, fingerprint: string): string {
  return Buffer.from(JSON.stringify([value, fingerprint])).toString('base64url')
}

function decodeCursor(cursor: string, field: FindingSortField): [string | number, string] {
  let v: unknown
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    bad('invalid page cursor')
  }
  const numeric = field === 'lastSeen' || field === 'firstSeen' || field === 'severity'
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    typeof v[1] !== 'string' ||
    (numeric ? typeof v[0] !== 'number' : typeof v[0] !== 'string')
  )
    bad(`invalid page cursor for sort by ${field}`)
  return v as [string | number, string]
}

/**
 * The (state, rank) pairs to merge when a findings page in last-seen order is best read as one
 * ordered read of the (state, rank, last_seen) index per pair, or undefined when one query is
 * better: another sort; a filter with an index of its own (cluster, detector, namespace,
 * incident) or few rows (cluster labels); or a single state and severity, which that index
 * serves directly.
 */
function lastSeenParts(f: FindingFilter, column: string): { state: string; rank: number }[] | undefined {
  if (column !== 'last_seen') return undefined
  if (
    f.cluster !== undefined ||
    f.detector !== undefined ||
    f.namespace !== undefined ||
    f.incidentId !== undefined ||
    Object.keys(f.clusterLabels ?? {}).length > 0
  )
    return undefined
  const states = f.state === undefined ? ['open', 'resolved'] : [f.state]
  const rankList = f.severity === undefined ? [3, 2, 1] : [...new Set(ranks(f.severity))]
  if (states.length * rankList.length === 1) return undefined
  return states.flatMap((state) => rankList.map((rank) => ({ state, rank })))
}

/** Rows counted at most for a page's total (beyond it the total is a lower bound): counting is the cost of a page. */
export const DEFAULT_COUNT_LIMIT = 1000

// Counts the rows a query matches, stopping at `cap` + 1: a dashboard needs "10,000+", not the
// cost of counting half a million rows for every page.
async function countUpTo(
  db: Kysely<Database>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  q: SelectQueryBuilder<Database, any, object>,
  cap = DEFAULT_COUNT_LIMIT,
): Promise<{ total: number; totalExact: boolean }> {
  if (!Number.isInteger(cap) || cap < 1) bad('countLimit must be a positive integer')
  const r = await db
    .selectFrom(
      q
        .select(sql<number>`1`.as('one'))
        .limit(cap + 1)
        .as('t'),
    )
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  const n = num(r.n)
  return n > cap ? { total: cap, totalExact: false } : { total: n, totalExact: true }
}

/** The read side of the store and the few writes the API makes on findings and incidents. */
export function queries(ctx: StoreContext) {
  const { db } = ctx

  async function applyFindingFilter<O>(q: FindingsQuery<O>, f: FindingFilter): Promise<FindingsQuery<O>> {
    if (f.now !== undefined) checkDate('listFindings', 'now', f.now)
    const now = (f.now ?? new Date()).getTime()
    if (f.cluster !== undefined) q = q.where('cluster', 'in', list(f.cluster))
    if (f.detector !== undefined) q = q.where('detector', 'in', list(f.detector))
    if (f.namespace !== undefined) q = q.where('namespace', 'in', list(f.namespace))
    if (f.severity !== undefined) q = q.where('rank', 'in', ranks(f.severity))
    if (f.state !== undefined) {
      if (f.state !== 'open' && f.state !== 'resolved')
        bad(`unknown finding state ${JSON.stringify(f.state)}`)
      q = q.where('state', '=', f.state)
    }
    for (const [k, v] of Object.entries(f.clusterLabels ?? {}))
      q = q.where('cluster', 'in', (eb) =>
        eb.selectFrom('cluster_labels').select('cluster').where('key', '=', k).where('value', '=', v),
      )
    if (f.silenced === true) q = q.where('silenced_until', '>', now)
    if (f.silenced === false)
      q = q.where((eb) => eb.or([eb('silenced_until', 'is', null), eb('silenced_until', '<=', now)]))
    if (f.snoozed === true) q = q.where('snoozed_until', '>', now)
    if (f.snoozed === false)
      q = q.where((eb) => eb.or([eb('snoozed_until', 'is', null), eb('snoozed_until', '<=', now)]))
    if (f.acknowledged === true) q = q.where('ack_by', 'is not', null)
    if (f.acknowledged === false) q = q.where('ack_by', 'is', null)
    if (f.incidentId !== undefined) {
      const inc = await db
        .selectFrom('incidents')
        .selectAll()
        .where('id', '=', f.incidentId)
        .executeTakeFirst()
      if (!inc) q = q.where(sql<boolean>`1 = 0`)
      else if (inc.kind === 'fleet')
        q = q.where('detector', '=', inc.detector).where('fleet_key', '=', inc.cause)
      else q = q.where('incident_id', '=', inc.id)
    }
    return q
  }

  const clusters = () => db.selectFrom('clusters').selectAll()

  async function getFinding(fingerprint: string): Promise<StoredFinding | null> {
    const r = await db
      .selectFrom('findings')
      .selectAll()
      .where('fingerprint', '=', fingerprint)
      .executeTakeFirst()
    return r ? findingFromRow(r) : null
  }

  async function mustUpdateFinding(fingerprint: string, n: bigint): Promise<StoredFinding> {
    if (Number(n) === 0) throw new KubedacError('KDAC_E_NOT_FOUND', `finding ${fingerprint}`)
    return (await getFinding(fingerprint)) as StoredFinding
  }

  return {
    async listClusters(filter: { labels?: Record<string, string> } = {}): Promise<ClusterRecord[]> {
      let q = clusters()
      for (const [k, v] of Object.entries(filter.labels ?? {}))
        q = q.where('name', 'in', (eb) =>
          eb.selectFrom('cluster_labels').select('cluster').where('key', '=', k).where('value', '=', v),
        )
      return (await q.orderBy('name').execute()).map(clusterFromRow)
    },

    async getCluster(name: string): Promise<ClusterRecord | null> {
      const r = await clusters().where('name', '=', name).executeTakeFirst()
      return r ? clusterFromRow(r) : null
    },

    async listScans(
      filter: { cluster?: string; limit?: number; beforeId?: number } = {},
    ): Promise<ScanRecord[]> {
      const limit = checkLimit(filter.limit ?? 100)
      let q = db.selectFrom('scans').selectAll()
      if (filter.cluster !== undefined) q = q.where('cluster', '=', filter.cluster)
      if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId)
      return (await q.orderBy('id', 'desc').limit(limit).execute()).map(scanFromRow)
    },

    async listFindings(
      filter: FindingFilter = {},
      sort: { field: FindingSortField; dir: 'asc' | 'desc' } = { field: 'lastSeen', dir: 'desc' },
      page: PageRequest = { limit: 50 },
    ): Promise<Page<StoredFinding>> {
      const column = SORT_COLUMNS[sort.field]
      if (column === undefined) bad(`unknown sort field ${JSON.stringify(sort.field)}`)
      if (sort.dir !== 'asc' && sort.dir !== 'desc') bad(`unknown sort direction ${JSON.stringify(sort.dir)}`)
      const limit = checkLimit(page.limit)
      const offset = checkOffset(page.offset)
      const base = await applyFindingFilter(db.selectFrom('findings'), filter)
      const cursor = page.cursor ? decodeCursor(page.cursor, sort.field) : undefined
      const skip = cursor ? 0 : offset
      // Rows of `q` from the cursor on, in page order: the first `n`.
      const ordered = <O>(q: FindingsQuery<O>, n: number) => {
        let items = q.selectAll()
        if (cursor)
          items = items.where((eb: ExpressionBuilder<Database, 'findings'>) =>
            eb(eb.refTuple(column, 'fingerprint'), sort.dir === 'desc' ? '<' : '>', eb.tuple(...cursor)),
          )
        return items.orderBy(column, sort.dir).orderBy('fingerprint', sort.dir).limit(n)
      }
      const parts = lastSeenParts(filter, column)
      let items
      if (parts === undefined) items = ordered(base, limit + 1).offset(skip)
      else {
        // One ordered read per (state, rank) on the (state, rank, last_seen) index, merged: the
        // database reads a page's worth from each instead of sorting every matching finding.
        // The pair is each part's whole state and severity condition (SQLite would otherwise
        // read the index by the severity list and sort).
        const rest = await applyFindingFilter(db.selectFrom('findings'), {
          ...filter,
          state: undefined,
          severity: undefined,
        })
        const [first, ...others] = parts.map((p) =>
          db
            .selectFrom(
              ordered(rest.where('state', '=', p.state).where('rank', '=', p.rank), skip + limit + 1).as('p'),
            )
            .selectAll(),
        )
        let merged = first as NonNullable<typeof first>
        for (const q of others) merged = merged.unionAll(q)
        items = db
          .selectFrom(merged.as('m'))
          .selectAll()
          .orderBy(column, sort.dir)
          .orderBy('fingerprint', sort.dir)
          .limit(limit + 1)
          .offset(skip)
      }
      const [rows, total] = await Promise.all([items.execute(), countUpTo(db, base, page.countLimit)])
      const more = rows.length > limit
      const pageRows = more ? rows.slice(0, limit) : rows
      const last = pageRows[pageRows.length - 1]
      return {
        items: pageRows.map(findingFromRow),
        ...total,
        nextCursor: more && last ? encodeCursor(last[column], last.fingerprint) : null,
      }
    },

    getFinding,

    async listIncidents(
      filter: IncidentFilter = {},
      page: { limit: number; offset?: number; countLimit?: number } = { limit: 50 },
    ): Promise<Page<Incident>> {
      const limit = checkLimit(page.limit)
      const offset = checkOffset(page.offset)
      let q = db.selectFrom('incidents')
      if (filter.state !== undefined) q = q.where('state', '=', filter.state)
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind)
      if (filter.cluster !== undefined) q = q.where('cluster', '=', filter.cluster)
      if (filter.severity !== undefined) q = q.where('rank', 'in', ranks(filter.severity))
      if (filter.notified === true) q = q.where('last_notified_at', 'is not', null)
      if (filter.notified === false) q = q.where('last_notified_at', 'is', null)
      const [rows, total] = await Promise.all([
        q
          .selectAll()
          .orderBy('rank', 'desc')
          .orderBy('opened_at', 'desc')
          .orderBy('id')
          .limit(limit + 1)
          .offset(offset)
          .execute(),
        countUpTo(db, q, page.countLimit),
      ])
      const more = rows.length > limit
      return {
        items: (more ? rows.slice(0, limit) : rows).map(incidentFromRow),
        ...total,
        nextCursor: more ? String(offset + limit) : null,
      }
    },

    async getIncident(id: string, opts: { memberLimit?: number } = {}): Promise<IncidentDetail | null> {
      const memberLimit = opts.memberLimit ?? 1000
      const r = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst()
      if (!r) return null
      let members = db.selectFrom('findings')
      if (r.kind === 'fleet') {
        members = members.where('detector', '=', r.detector).where('fleet_key', '=', r.cause)
        if (r.state === 'open') members = members.where('state', '=', 'open')
      } else members = members.where('cluster', '=', r.cluster).where('incident_id', '=', r.id)
      const [rows, clusters] = await Promise.all([
        members
          .selectAll()
          .orderBy('rank', 'desc')
          .orderBy('cluster')
          .orderBy('fingerprint')
          .limit(memberLimit)
          .execute(),
        members.select('cluster').distinct().orderBy('cluster').execute(),
      ])
      return {
        ...incidentFromRow(r),
        findings: rows.map(findingFromRow),
        clusterNames: clusters.map((c) => c.cluster),
      }
    },

    async markIncidentNotified(id: string, at: Date): Promise<void> {
      checkDate('markIncidentNotified', 'at', at)
      const r = await db
        .updateTable('incidents')
        .set({ last_notified_at: at.getTime() })
        .where('id', '=', id)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0) throw new KubedacError('KDAC_E_NOT_FOUND', `incident ${id}`)
    },

    async acknowledge(
      fingerprint: string,
      ack: { by: string; comment?: string | null; at: Date },
    ): Promise<StoredFinding> {
      checkString('acknowledge', 'by', ack.by, MAX_ID)
      if (ack.by.trim() === '') bad('acknowledge: by is empty')
      checkString('acknowledge', 'comment', ack.comment, MAX_TEXT, true)
      checkDate('acknowledge', 'at', ack.at)
      const r = await db
        .updateTable('findings')
        .set({ ack_by: ack.by, ack_at: ack.at.getTime(), ack_comment: ack.comment ?? null })
        .where('fingerprint', '=', fingerprint)
        .executeTakeFirst()
      return mustUpdateFinding(fingerprint, r.numUpdatedRows)
    },

    async unacknowledge(fingerprint: string): Promise<StoredFinding> {
      const r = await db
        .updateTable('findings')
        .set({ ack_by: null, ack_at: null, ack_comment: null })
        .where('fingerprint', '=', fingerprint)
        .executeTakeFirst()
      return mustUpdateFinding(fingerprint, r.numUpdatedRows)
    },

    async snooze(fingerprint: string, until: Date | null): Promise<StoredFinding> {
      checkDate('snooze', 'until', until, true)
      const r = await db
        .updateTable('findings')
        .set({ snoozed_until: until === null ? null : until.getTime() })
        .where('fingerprint', '=', fingerprint)
        .executeTakeFirst()
      return mustUpdateFinding(fingerprint, r.numUpdatedRows)
    },

    async openFindingsBySeverityAndDetector(now: Date = new Date()): Promise<OpenFindingCount[]> {
      checkDate('openFindingsBySeverityAndDetector', 'now', now)
      const at = now.getTime()
      // Open counts are kept by recordScan; the silenced ones (few) are counted at `now`, so a
      // silence stops counting the moment it expires.
      const [totals, silenced] = await Promise.all([
        db.selectFrom('open_counts').select(['detector', 'rank', 'open']).where('open', '>', 0).execute(),
        // Only the silenced_until condition in WHERE: the small partial index is then the one way in.
        db
          .selectFrom('findings')
          .select(['detector', 'rank', sql<number>`sum(case when state = 'open' then 1 else 0 end)`.as('n')])
          .where('silenced_until', '>', at)
          .groupBy(['detector', 'rank'])
          .execute(),
      ])
      const quiet = new Map(silenced.map((r) => [`${r.detector}\u001f${num(r.rank)}`, num(r.n ?? 0)]))
      return totals
        .map((r) => {
          const s = quiet.get(`${r.detector}\u001f${num(r.rank)}`) ?? 0
          return {
            severity: severityOfRank(num(r.rank)),
            detector: r.detector,
            open: num(r.open) - s,
            silenced: s,
          }
        })
        .sort(
          (a, b) =>
            rankOf(b.severity) - rankOf(a.severity) ||
            (a.detector < b.detector ? -1 : a.detector > b.detector ? 1 : 0),
        )
    },

    async clustersByStatus(): Promise<ClusterStatusCount[]> {
      // clusters.last_status is written with last_scan_id in the scan's transaction: no join,
      // and one row per status however many clusters there are.
      const rows = await db
        .selectFrom('clusters')
        .select(['last_status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('last_status', 'is not', null)
        .groupBy('last_status')
        .orderBy('last_status')
        .execute()
      return rows.map((r) => ({ status: r.last_status as ClusterStatus, clusters: num(r.n) }))
    },
  }
}
