/** A notification event for one incident: opened, severity rose, resolved, or re-sent while still open. */
export type NotificationEvent = 'open' | 'escalate' | 'resolve' | 'resend'

/** All notification events, in lifecycle order. */
export const NOTIFICATION_EVENTS: readonly NotificationEvent[] = ['open', 'escalate', 'resolve', 'resend']

/** One message of the notification outbox, as claimed for delivery. */
export interface OutboxMessage {
  id: number
  /** Idempotency key: enqueueing the same key twice adds one message. */
  key: string
  receiver: string
  event: NotificationEvent
  incidentId: string
  payload: unknown
  /** Delivery attempts so far, counting the claim that returned this message. */
  attempts: number
  createdAt: Date
  nextAttemptAt: Date
}

/** A message to add to the outbox. */
export interface OutboxInput {
  key: string
  receiver: string
  event: NotificationEvent
  incidentId: string
  payload: unknown
}

/** The outbox the notifier delivers from: at least once, idempotent by key, safe across processes. */
export interface OutboxStore {
  /** Adds messages; a message whose key already exists is ignored (idempotent). Returns how many were added. */
  enqueue(messages: OutboxInput[], now: Date): Promise<number>
  /** Claims up to `limit` messages due at `now` that are pending (or whose lease expired), leasing them until now+leaseMs, attempts+1. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<OutboxMessage[]>
  /** Delivered: the message is never claimed again. */
  markSent(id: number, at: Date): Promise<void>
  /** Failed delivery: retry at nextAttemptAt, or give up (state failed) when nextAttemptAt is null. */
  markFailed(id: number, error: string, nextAttemptAt: Date | null): Promise<void>
  /** How many messages are pending (including leased), sent and failed. */
  outboxStats(): Promise<{ pending: number; sent: number; failed: number }>
}
