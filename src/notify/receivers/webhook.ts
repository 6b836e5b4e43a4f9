import { createHmac, timingSafeEqual } from 'node:crypto'
import { postJson, redactor } from '../http.js'
import { readPayload } from '../payload.js'
import type { NotificationPayload } from '../types.js'
import {
  DEFAULT_TIMEOUT_MS,
  unreadable,
  type Deliverable,
  type Receiver,
  type ReceiverOptions,
} from './receiver.js'

/** The JSON body a generic webhook receives. */
export interface WebhookBody {
  version: 1
  event: NotificationPayload['event']
  /** The outbox key, also sent as `Idempotency-Key`: the same key means the same notification. */
  key: string
  sentAt: string
  severity: NotificationPayload['severity']
  previousSeverity?: NotificationPayload['severity']
  sequence?: number
  labels: Record<string, string>
  incident: Omit<NotificationPayload['incident'], 'members' | 'memberCount'>
  findings: { total: number; items: NotificationPayload['incident']['members'] }
}

/** The body for a message. */
export function webhookBody(
  message: Pick<Deliverable, 'key'>,
  p: NotificationPayload,
  now: Date,
): WebhookBody {
  const { members, memberCount, ...incident } = p.incident
  return {
    version: 1,
    event: p.event,
    key: message.key,
    sentAt: now.toISOString(),
    severity: p.severity,
    ...(p.previousSeverity ? { previousSeverity: p.previousSeverity } : {}),
    ...(p.sequence !== undefined ? { sequence: p.sequence } : {}),
    labels: p.labels,
    incident,
    findings: { total: memberCount, items: members },
  }
}

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the value of `X-Kubedac-Signature`. */
export function signWebhook(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`
}

/** Checks an `X-Kubedac-Signature` header against the raw body, in constant time (for receivers). */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string | Buffer,
  header: string | undefined | null,
): boolean {
  if (!header) return false
  const want = Buffer.from(signWebhook(secret, rawBody))
  const got = Buffer.from(header)
  return got.length === want.length && timingSafeEqual(got, want)
}

/** Header values are ASCII: anything else in a key is percent-encoded (the body carries the key as is). */
const headerSafe = (s: string) => s.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c))

/** Options of a generic webhook receiver. */
export interface WebhookOptions extends ReceiverOptions {
  /** The HMAC-SHA256 signing secret; without one, requests are not signed. */
  secret?: string
}

/**
 * A receiver that POSTs JSON to any URL, signed with `X-Kubedac-Signature` (HMAC-SHA256 of the
 * raw body) and `X-Kubedac-Timestamp`, and carrying the outbox key as `Idempotency-Key` so that
 * the receiving side can drop a redelivery.
 */
export function webhookReceiver(opts: WebhookOptions): Receiver {
  const u = new URL(opts.url)
  const redact = redactor([opts.secret, u.search.slice(1), u.password, ...Object.values(opts.headers ?? {})])
  return {
    name: opts.name,
    type: 'webhook',
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redact,
    async send(message, now) {
      let body: string
      try {
        body = JSON.stringify(webhookBody(message, readPayload(message.payload), now))
      } catch (e) {
        return unreadable(e)
      }
      return postJson({
        url: opts.url,
        body,
        headers: {
          ...(opts.headers ?? {}),
          'idempotency-key': headerSafe(message.key),
          'x-kubedac-event': message.event,
          'x-kubedac-timestamp': String(Math.floor(now.getTime() / 1000)),
          ...(opts.secret ? { 'x-kubedac-signature': signWebhook(opts.secret, body) } : {}),
        },
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        now,
        redact,
      })
    },
  }
}
