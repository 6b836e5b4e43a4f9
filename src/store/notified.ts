import { sql, type RawBuilder } from 'kysely'
import { KubedacError } from '../core/errors.js'
import type { StoreContext } from './lifecycle.js'
import { chunks, num, rankOf, severityOfRank } from './rows.js'
import type { IncidentNotified, Store } from './types.js'
import { checkDate, checkString, MAX_KEY } from './validate.js'

type NotifiedStore = Pick<Store, 'incidentsToNotify' | 'notifiedStates' | 'markNotified'>

function bad(detail: string): never {
  throw new KubedacError('KDAC_E_STORE_INPUT', detail)
}

/**
 * What the notifier told of each incident (the incidents' notified_* columns, migration 0003).
 * Each query below repeats a partial index's condition word for word, so that SQLite and
 * PostgreSQL read that index (incidents the notifier owes something) and not the incidents.
 */
export function notifiedStore(ctx: StoreContext): NotifiedStore {
  const { db } = ctx
  return {
    async incidentsToNotify({ now, after = null, limit }) {
      checkDate('incidentsToNotify', 'now', now)
      if (!Number.isInteger(limit) || limit < 1) bad('incidentsToNotify: limit must be a positive integer')
      const from = after ?? ''
      // One keyset page of the union, each part its first `limit` ids after `from` through its
      // index; the union is ordered in SQL, so its order is the one `id > from` pages by.
      const part = (owed: RawBuilder<boolean>, alias: string) =>
        db
          .selectFrom(
            db
              .selectFrom('incidents')
              .select('id')
              .where(owed)
              .where('id', '>', from)
              .orderBy('id')
              .limit(limit)
              .as(alias),
          )
          .select('id')
      const rows = await part(sql<boolean>`state = 'open' and notified_rank < peak_rank`, 'escalated')
        .union(part(sql<boolean>`state = 'resolved' and notified_state = 'open'`, 'resolved'))
        .union(part(sql<boolean>`state = 'open' and notify_due_at <= ${now.getTime()}`, 'due'))
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map((r) => r.id)
    },

    async notifiedStates(ids) {
      const out = new Map<string, IncidentNotified>()
      for (const chunk of chunks(ids, 1, ctx.paramLimit, 1000)) {
        const rows = await db
          .selectFrom('incidents')
          .select(['id', 'notified_open_rank', 'notified_rank', 'notified_state', 'notify_due_at'])
          .where('id', 'in', chunk)
          .execute()
        for (const r of rows) {
          const opened = num(r.notified_open_rank)
          const rank = num(r.notified_rank)
          out.set(r.id, {
            openedSeverity: opened > 0 ? severityOfRank(opened) : null,
            severity: rank > 0 ? severityOfRank(rank) : null,
            state: r.notified_state === 'open' || r.notified_state === 'resolved' ? r.notified_state : null,
            dueAt: r.notify_due_at === null ? null : new Date(num(r.notify_due_at)),
          })
        }
      }
      return out
    },

    async markNotified(marks, at) {
      checkDate('markNotified', 'at', at)
      marks.forEach((m, i) => {
        checkString(`notified mark ${i}`, 'id', m.id, MAX_KEY)
        checkDate(`notified mark ${i}`, 'dueAt', m.dueAt, true)
      })
      if (!marks.length) return
      await db.transaction().execute(async (trx) => {
        for (const m of marks) {
          const rank = m.severity ? rankOf(m.severity) : 0
          const opened = m.openedSeverity ? rankOf(m.openedSeverity) : rank
          // Only forward: a mark computed from an older read never undoes a newer one.
          await trx
            .updateTable('incidents')
            .set({
              notified_open_rank: sql<number>`case when notified_open_rank = 0 then ${opened} else notified_open_rank end`,
              notified_rank: sql<number>`case when notified_rank < ${rank} then ${rank} else notified_rank end`,
              ...(m.resolved
                ? { notified_state: 'resolved' }
                : m.severity
                  ? {
                      notified_state: sql<string>`case when notified_state = 'resolved' then notified_state else 'open' end`,
                    }
                  : {}),
              notify_due_at: m.dueAt === null ? null : m.dueAt.getTime(),
              ...(m.planned ? { last_notified_at: at.getTime() } : {}),
            })
            .where('id', '=', m.id)
            .execute()
        }
      })
    },
  }
}
