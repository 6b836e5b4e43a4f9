import type { SendOutcome } from '../http.js'
import type { OutboxMessage } from '../types.js'

/** What a receiver is given to send: an outbox message. */
export type Deliverable = Pick<OutboxMessage, 'key' | 'event' | 'incidentId' | 'payload'>

/** A place notifications go: made by a factory (`slackReceiver(options)`), used by the delivery worker. */
export interface Receiver {
  readonly name: string
  readonly type: 'alertmanager' | 'slack' | 'webhook' | 'pagerduty'
  /** Longest a request may take (ms): delivery leases messages for longer than a round can last. */
  readonly timeoutMs: number
  /** Sends one message; never throws, and no secret of the receiver appears in the outcome. */
  send(message: Deliverable, now: Date): Promise<SendOutcome>
  /** Removes the receiver's secrets from a text (for errors that did not come from `send`). */
  redact(text: string): string
}

/** Options every receiver takes. */
export interface ReceiverOptions {
  name: string
  url: string
  /** Extra headers (an auth token, say); never logged. */
  headers?: Record<string, string>
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number
}

/** Default per-request timeout. */
export const DEFAULT_TIMEOUT_MS = 10_000

/** A message whose payload cannot be read never will be: give up on it. */
export function unreadable(e: unknown): SendOutcome {
  return { ok: false, retry: false, error: e instanceof Error ? e.message : String(e) }
}
