import { sql } from 'kysely'
import { KubedacError } from '../core/errors.js'
import type { StoreContext } from './lifecycle.js'
import { NOTIFICATION_EVENTS } from './outbox.js'
import type { NotificationEvent, OutboxInput, OutboxMessage, OutboxStore } from './outbox.js'
import { chunks, num } from './rows.js'
import { checkDate, checkString, MAX_EVIDENCE, MAX_ID, MAX_KEY } from './validate.js'

function checkMessage(m: OutboxInput, i: number): string {
  const where = `outbox message ${i}`
  checkString(where, 'key', m.key, MAX_KEY)
  checkString(where, 'receiver', m.receiver, MAX_ID)
  checkString(where, 'incidentId', m.incidentId, MAX_KEY)
  if (!NOTIFICATION_EVENTS.includes(m.event))
    throw new KubedacError('KDAC_E_STORE_INPUT', `${where}: unknown event ${JSON.stringify(m.event)}`)
  let payload: string | undefined
  try {
    payload = JSON.stringify(m.payload ?? null)
  } catch (e) {
    throw new KubedacError('KDAC_E_STORE_INPUT', `${where}: payload cannot be stored as JSON (${String(e)})`)
  }
  if (payload.length > MAX_EVIDENCE)
    throw new KubedacError(
      'KDAC_E_STORE_INPUT',
      `${where}: payload is ${payload.length} bytes; the limit is ${MAX_EVIDENCE}`,
    )
  return payload
}

/** The outbox on the store's database: idempotent by key, leased claims, safe across processes. */
export function outboxStore(ctx: StoreContext): OutboxStore {
  const { db } = ctx
  return {
    async enqueue(messages, now) {
      checkDate('enqueue', 'now', now)
      const at = now.getTime()
      const rows = messages.map((m, i) => ({
        key: m.key,
        receiver: m.receiver,
        event: m.event,
        incident_id: m.incidentId,
        payload: checkMessage(m, i),
        state: 'pending',
        attempts: 0,
        created_at: at,
        next_attempt_at: at,
        lease_until: null,
        sent_at: null,
        last_error: null,
      }))
      let added = 0
      // A key seen twice in one call is one message, as it is across calls.
      const unique = [...new Map(rows.map((r) => [r.key, r])).values()]
      await db.transaction().execute(async (trx) => {
        for (const chunk of chunks(unique, 12, ctx.paramLimit, 500)) {
          const ins = await trx
            .insertInto('outbox')
            .values(chunk)
            .onConflict((oc) => oc.column('key').doNothing())
            .returning('id')
            .execute()
          added += ins.length
        }
      })
      return added
    },

    async claimDue(now, limit, leaseMs) {
      checkDate('claimDue', 'now', now)
      if (!Number.isInteger(limit) || limit < 1)
        throw new KubedacError('KDAC_E_STORE_INPUT', 'claimDue: limit must be a positive integer')
      if (!Number.isFinite(leaseMs) || leaseMs < 1)
        throw new KubedacError('KDAC_E_STORE_INPUT', 'claimDue: leaseMs must be a positive number')
      const at = now.getTime()
      // One statement: the claim is atomic. PostgreSQL skips rows another claimer holds; SQLite
      // has one writer at a time, so the statement sees a settled outbox.
      const rows = await db
        .updateTable('outbox')
        .set({ lease_until: at + leaseMs, attempts: sql<number>`attempts + 1` })
        .where('id', 'in', (eb) => {
          let q = eb
            .selectFrom('outbox')
            .select('id')
            .where('state', '=', 'pending')
            .where('next_attempt_at', '<=', at)
            .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<=', at)]))
            .orderBy('next_attempt_at')
            .orderBy('id')
            .limit(limit)
          if (ctx.dialect === 'postgres') q = q.forUpdate().skipLocked()
          return q
        })
        .returningAll()
        .execute()
      return rows
        .map((r): OutboxMessage => ({
          id: num(r.id),
          key: r.key,
          receiver: r.receiver,
          event: r.event as NotificationEvent,
          incidentId: r.incident_id,
          payload: JSON.parse(r.payload) as unknown,
          attempts: num(r.attempts),
          createdAt: new Date(num(r.created_at)),
          nextAttemptAt: new Date(num(r.next_attempt_at)),
        }))
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id)
    },

    async markSent(id, at) {
      checkDate('markSent', 'at', at)
      const r = await db
        .updateTable('outbox')
        .set({ state: 'sent', sent_at: at.getTime(), lease_until: null, last_error: null })
        .where('id', '=', id)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0) throw new KubedacError('KDAC_E_NOT_FOUND', `outbox message ${id}`)
    },

    async markFailed(id, error, nextAttemptAt) {
      checkDate('markFailed', 'nextAttemptAt', nextAttemptAt, true)
      const r = await db
        .updateTable('outbox')
        .set({
          state: nextAttemptAt === null ? 'failed' : 'pending',
          next_attempt_at: nextAttemptAt === null ? sql<number>`next_attempt_at` : nextAttemptAt.getTime(),
          lease_until: null,
          last_error: String(error).slice(0, 4096),
        })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) === 0)
        throw new KubedacError('KDAC_E_NOT_FOUND', `pending outbox message ${id}`)
    },

    async outboxStats() {
      const rows = await db
        .selectFrom('outbox')
        .select(['state', (eb) => eb.fn.countAll().as('n')])
        .groupBy('state')
        .execute()
      const out = { pending: 0, sent: 0, failed: 0 }
      for (const r of rows) if (r.state in out) out[r.state as keyof typeof out] = num(r.n)
      return out
    },
  }
}
