import type { OutboxInput, OutboxMessage, OutboxStore } from '../../src/store/outbox.js'

/** A message as the in-memory outbox keeps it, with what the store keeps beside it. */
export interface MemoryOutboxRow extends OutboxMessage {
  state: 'pending' | 'sent' | 'failed'
  leaseUntil: Date | null
  sentAt: Date | null
  lastError: string | null
}

/** An in-memory {@link OutboxStore} for tests (a double of our own interface), with its rows open to inspection. */
export interface MemoryOutbox extends OutboxStore {
  rows: MemoryOutboxRow[]
  byKey(key: string): MemoryOutboxRow | undefined
}

/** A fresh, empty {@link MemoryOutbox}, with the contract src/store implements: claims lease and count attempts. */
export function memoryOutbox(): MemoryOutbox {
  const rows: MemoryOutboxRow[] = []
  const row = (id: number) => {
    const r = rows.find((x) => x.id === id)
    if (!r) throw new Error(`no outbox message ${id}`)
    return r
  }
  return {
    rows,
    byKey: (key) => rows.find((r) => r.key === key),
    async enqueue(messages: OutboxInput[], now) {
      let added = 0
      for (const m of messages) {
        if (rows.some((r) => r.key === m.key)) continue
        rows.push({
          ...m,
          // What a database does: the payload goes through JSON.
          payload: JSON.parse(JSON.stringify(m.payload)),
          id: rows.length + 1,
          attempts: 0,
          createdAt: now,
          nextAttemptAt: now,
          state: 'pending',
          leaseUntil: null,
          sentAt: null,
          lastError: null,
        })
        added++
      }
      return added
    },
    async claimDue(now, limit, leaseMs) {
      const due = rows
        .filter(
          (r) =>
            r.state === 'pending' && r.nextAttemptAt <= now && (r.leaseUntil === null || r.leaseUntil <= now),
        )
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id)
        .slice(0, limit)
      for (const r of due) {
        r.attempts++
        r.leaseUntil = new Date(now.getTime() + leaseMs)
      }
      return due.map((r) => ({
        id: r.id,
        key: r.key,
        receiver: r.receiver,
        event: r.event,
        incidentId: r.incidentId,
        payload: JSON.parse(JSON.stringify(r.payload)),
        attempts: r.attempts,
        createdAt: r.createdAt,
        nextAttemptAt: r.nextAttemptAt,
      }))
    },
    async markSent(id, at) {
      const r = row(id)
      r.state = 'sent'
      r.sentAt = at
      r.leaseUntil = null
    },
    async markFailed(id, error, nextAttemptAt) {
      const r = row(id)
      r.lastError = error
      r.leaseUntil = null
      if (nextAttemptAt === null) r.state = 'failed'
      else r.nextAttemptAt = nextAttemptAt
    },
    async outboxStats() {
      const count = (s: MemoryOutboxRow['state']) => rows.filter((r) => r.state === s).length
      return { pending: count('pending'), sent: count('sent'), failed: count('failed') }
    },
  }
}
