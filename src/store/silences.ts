import { hash, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Transaction } from 'kysely'
import { KubedacError } from '../core/errors.js'
import { activeSilences } from './lifecycle.js'
import type { StoreContext } from './lifecycle.js'
import type { Database } from './schema.js'
import { chunks, num, silenceFromRow } from './rows.js'
import { silencingOf } from './silencing.js'
import type { SilenceInput, SilenceOrigin, SilenceRecord, SilenceSync } from './types.js'
import { checkDate, checkString, MAX_ID, MAX_KEY, MAX_TEXT } from './validate.js'

/** Findings read per batch when silences are re-applied. */
const BATCH = 5000

function bad(detail: string): never {
  throw new KubedacError('KDAC_E_STORE_INPUT', detail)
}

function checkSilence(s: SilenceInput, where: string): string {
  if (s === null || typeof s !== 'object') bad(`${where}: not an object`)
  checkString(where, 'id', s.id, MAX_KEY, true)
  if (s.id === '') bad(`${where}: id is empty`)
  for (const f of ['owner', 'reason', 'createdBy'] as const) {
    checkString(where, f, s[f], f === 'reason' ? MAX_TEXT : MAX_ID)
    if (s[f].trim() === '') bad(`${where}: ${f} is empty`)
  }
  checkString(where, 'ticket', s.ticket, MAX_ID, true)
  checkDate(where, 'expiresAt', s.expiresAt, true)
  if (s.matchers === null || typeof s.matchers !== 'object' || Array.isArray(s.matchers))
    bad(`${where}: matchers must be an object`)
  let json: string
  try {
    json = JSON.stringify(s.matchers)
  } catch (e) {
    bad(`${where}: matchers cannot be stored as JSON (${String(e)})`)
  }
  if (json.length > MAX_TEXT)
    bad(`${where}: matchers are ${json.length} bytes of JSON; the limit is ${MAX_TEXT}`)
  return json
}

/** A file silence's id when the file gives none: its content, so an unchanged entry keeps its id. */
function contentId(s: SilenceInput, matchers: string): string {
  const c = JSON.stringify([
    matchers,
    s.owner,
    s.reason,
    s.ticket ?? null,
    s.createdBy,
    s.expiresAt?.getTime() ?? null,
  ])
  return `file-${hash('sha256', c).slice(0, 16)}`
}

/**
 * Takes the silences lock (the 'silences' meta row): silence changes run one at a time, and on
 * PostgreSQL scans read the silences under a share lock of the same row, so a scan never writes
 * findings with silencing computed from a set that changed under it.
 */
async function lockSilences(trx: Transaction<Database>): Promise<void> {
  await trx
    .updateTable('store_meta')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('key', '=', 'silences')
    .execute()
}

/**
 * Re-applies the active silences to every finding (in batches, writing only what changed): a
 * finding carries the latest expiry of the silences matching it, so "silenced" is one comparison
 * with the current time everywhere, and an expired silence stops silencing everywhere at once.
 */
async function reapply(ctx: StoreContext, trx: Transaction<Database>, now: Date): Promise<number> {
  const at = now.getTime()
  const silences = await activeSilences(trx, at)
  if (silences.length === 0) {
    const r = await trx
      .updateTable('findings')
      .set({ silenced_until: null, silenced_by: null })
      .where('silenced_by', 'is not', null)
      .executeTakeFirst()
    return Number(r.numUpdatedRows)
  }
  const clusterLabels = new Map<string, Record<string, string>>()
  for (const c of await trx.selectFrom('clusters').select(['name', 'labels']).execute())
    clusterLabels.set(c.name, JSON.parse(c.labels) as Record<string, string>)
  let after = ''
  let changed = 0
  for (;;) {
    const rows = await trx
      .selectFrom('findings')
      .select([
        'fingerprint',
        'detector',
        'cluster',
        'namespace',
        'object_labels',
        'silenced_until',
        'silenced_by',
      ])
      .where('fingerprint', '>', after)
      .orderBy('fingerprint')
      .limit(BATCH)
      .execute()
    if (rows.length === 0) break
    after = (rows[rows.length - 1] as (typeof rows)[number]).fingerprint
    const updates = new Map<string, { until: number | null; by: string | null; fps: string[] }>()
    for (const r of rows) {
      const s = silencingOf(
        silences,
        {
          detector: r.detector,
          cluster: r.cluster,
          clusterLabels: clusterLabels.get(r.cluster) ?? {},
          namespace: r.namespace,
          objectLabels: JSON.parse(r.object_labels) as Record<string, string>,
        },
        now,
      )
      const cur = r.silenced_until === null ? null : num(r.silenced_until)
      if (s.until === cur && s.by === r.silenced_by) continue
      const k = `${s.until}\u0000${s.by}`
      const u = updates.get(k) ?? { until: s.until, by: s.by, fps: [] }
      u.fps.push(r.fingerprint)
      updates.set(k, u)
    }
    for (const u of updates.values())
      for (const chunk of chunks(u.fps, 1, ctx.paramLimit, BATCH)) {
        await trx
          .updateTable('findings')
          .set({ silenced_until: u.until, silenced_by: u.by })
          .where('fingerprint', 'in', chunk)
          .execute()
        changed += chunk.length
      }
    if (rows.length < BATCH) break
  }
  return changed
}

/** Silence CRUD and the file sync; every change re-applies silences to the findings in the same transaction. */
export function silenceStore(ctx: StoreContext) {
  const { db } = ctx

  async function getSilence(id: string): Promise<SilenceRecord | null> {
    const r = await db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? silenceFromRow(r) : null
  }

  return {
    getSilence,

    async createSilence(input: SilenceInput, now: Date): Promise<SilenceRecord> {
      const matchers = checkSilence(input, 'silence')
      checkDate('silence', 'now', now)
      const id = input.id ?? randomUUID()
      await db.transaction().execute(async (trx) => {
        await lockSilences(trx)
        const exists = await trx.selectFrom('silences').select('id').where('id', '=', id).executeTakeFirst()
        if (exists) bad(`silence ${id} already exists`)
        await trx
          .insertInto('silences')
          .values({
            id,
            matchers,
            owner: input.owner,
            reason: input.reason,
            ticket: input.ticket ?? null,
            created_by: input.createdBy,
            created_at: now.getTime(),
            expires_at: input.expiresAt?.getTime() ?? null,
            origin: 'api',
            updated_at: now.getTime(),
          })
          .execute()
        await reapply(ctx, trx, now)
      })
      return (await getSilence(id)) as SilenceRecord
    },

    async listSilences(
      filter: { activeAt?: Date; expiringBefore?: Date; origin?: SilenceOrigin } = {},
    ): Promise<SilenceRecord[]> {
      checkDate('listSilences', 'activeAt', filter.activeAt, true)
      checkDate('listSilences', 'expiringBefore', filter.expiringBefore, true)
      let q = db.selectFrom('silences').selectAll()
      if (filter.activeAt) {
        const at = filter.activeAt.getTime()
        q = q.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      }
      if (filter.expiringBefore) q = q.where('expires_at', '<=', filter.expiringBefore.getTime())
      if (filter.origin) q = q.where('origin', '=', filter.origin)
      // Never-expiring silences last on both dialects (they sort NULLs differently).
      const rows = await q
        .orderBy(sql`case when expires_at is null then 1 else 0 end`)
        .orderBy('expires_at')
        .orderBy('id')
        .execute()
      return rows.map(silenceFromRow)
    },

    async deleteSilence(id: string, now: Date): Promise<boolean> {
      checkDate('deleteSilence', 'now', now)
      return db.transaction().execute(async (trx) => {
        await lockSilences(trx)
        const r = await trx.deleteFrom('silences').where('id', '=', id).executeTakeFirst()
        if (Number(r.numDeletedRows) === 0) return false
        await reapply(ctx, trx, now)
        return true
      })
    },

    async expireSilence(id: string, now: Date): Promise<boolean> {
      checkDate('expireSilence', 'now', now)
      const at = now.getTime()
      return db.transaction().execute(async (trx) => {
        await lockSilences(trx)
        const r = await trx
          .updateTable('silences')
          .set({ expires_at: at, updated_at: at })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
          .executeTakeFirst()
        if (Number(r.numUpdatedRows) === 0) return (await getSilenceIn(trx, id)) !== null
        await reapply(ctx, trx, now)
        return true
      })
    },

    async replaceFileSilences(list: SilenceInput[], now: Date): Promise<SilenceSync> {
      checkDate('replaceFileSilences', 'now', now)
      if (!Array.isArray(list)) bad('replaceFileSilences: expected a list of silences')
      const at = now.getTime()
      const wanted = new Map<string, { input: SilenceInput; matchers: string }>()
      list.forEach((s, i) => {
        const matchers = checkSilence(s, `file silence ${i}`)
        const id = s.id ?? contentId(s, matchers)
        if (wanted.has(id)) bad(`file silence ${i}: id ${id} appears twice`)
        wanted.set(id, { input: s, matchers })
      })
      return db.transaction().execute(async (trx) => {
        await lockSilences(trx)
        const current = new Map(
          (await trx.selectFrom('silences').selectAll().execute()).map((r) => [r.id, r]),
        )
        const out: SilenceSync = { added: 0, updated: 0, removed: 0 }
        for (const [id, { input, matchers }] of wanted) {
          const cur = current.get(id)
          const values = {
            matchers,
            owner: input.owner,
            reason: input.reason,
            ticket: input.ticket ?? null,
            created_by: input.createdBy,
            expires_at: input.expiresAt?.getTime() ?? null,
          }
          if (!cur) {
            await trx
              .insertInto('silences')
              .values({ id, ...values, created_at: at, origin: 'file', updated_at: at })
              .execute()
            out.added++
            continue
          }
          if (cur.origin !== 'file') bad(`file silence ${id}: an API silence has this id`)
          const same =
            cur.matchers === values.matchers &&
            cur.owner === values.owner &&
            cur.reason === values.reason &&
            cur.ticket === values.ticket &&
            cur.created_by === values.created_by &&
            (cur.expires_at === null ? null : num(cur.expires_at)) === values.expires_at
          if (same) continue
          await trx
            .updateTable('silences')
            .set({ ...values, updated_at: at })
            .where('id', '=', id)
            .execute()
          out.updated++
        }
        const gone = [...current.values()]
          .filter((r) => r.origin === 'file' && !wanted.has(r.id))
          .map((r) => r.id)
        for (const chunk of chunks(gone, 1, ctx.paramLimit, 5000)) {
          await trx.deleteFrom('silences').where('id', 'in', chunk).execute()
          out.removed += chunk.length
        }
        if (out.added + out.updated + out.removed > 0) await reapply(ctx, trx, now)
        return out
      })
    },
  }
}

async function getSilenceIn(trx: Transaction<Database>, id: string): Promise<SilenceRecord | null> {
  const r = await trx.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? silenceFromRow(r) : null
}
