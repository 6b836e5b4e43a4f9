import type { SendOutcome } from './http.js'
import type { Receiver } from './receivers/receiver.js'
import type { OutboxMessage, OutboxStore } from './types.js'

/** Retry policy: exponential backoff with jitter, a cap, and a number of attempts. */
export interface BackoffOptions {
  /** Delay after the first failed attempt (default 10 s); doubles with each attempt. */
  initialMs: number
  /** Longest delay (default 1 h). */
  maxMs: number
  /** Attempts before giving up, the first one included (default 12). */
  maxAttempts: number
  /** Fraction of each delay drawn at random, 0…1 (default 0.5): the delay lies in [(1 − jitter)·d, d]. */
  jitter: number
  /** The random source (default Math.random), for tests. */
  random: () => number
  /** Longest `Retry-After` honoured (default 24 h). */
  maxRetryAfterMs: number
}

/** Default retry policy. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 10_000,
  maxMs: 3_600_000,
  maxAttempts: 12,
  jitter: 0.5,
  random: Math.random,
  maxRetryAfterMs: 86_400_000,
}

/** One thing the worker did, for a log; it never holds a secret (errors come redacted from the receiver). */
export interface DeliveryLogEntry {
  outcome: 'sent' | 'retry' | 'gave-up' | 'deferred' | 'superseded'
  id: number
  key: string
  receiver: string
  event: OutboxMessage['event']
  attempt: number
  error?: string
  nextAttemptAt?: Date
}

/** Options of one delivery round. */
export interface DeliverOptions {
  /** The time of this round (default: the clock). With `now` and no clock, every time in the round is `now`. */
  now?: Date
  clock?: () => Date
  /** Messages claimed per round (default 100). */
  limit?: number
  /**
   * How long a claim holds: a worker that dies lets its messages go when it runs out. Default:
   * longer than the round can take, ⌈limit / concurrency⌉ × the longest receiver timeout + 30 s.
   */
  leaseMs?: number
  backoff?: Partial<BackoffOptions>
  /** Messages sent at the same time (default 8); messages of one receiver and incident go one after another. */
  concurrency?: number
  /**
   * Whether a message is no longer worth sending, e.g. an `open` retried after its incident resolved
   * (sending it would page again for a solved problem). Such messages are dropped as failed.
   */
  superseded?: (message: OutboxMessage) => boolean | Promise<boolean>
  log?: (entry: DeliveryLogEntry) => void
}

/** Counts of one receiver in a round. */
export interface ReceiverCounts {
  sent: number
  retried: number
  gaveUp: number
}

/** What a delivery round did. */
export interface DeliveryResult {
  claimed: number
  sent: number
  /** Failed and scheduled again. */
  retried: number
  /** Failed for good (a final answer, too many attempts, no such receiver, unreadable payload). */
  gaveUp: number
  /** Put back behind an earlier message of the same receiver and incident that failed in this round. */
  deferred: number
  superseded: number
  byReceiver: Record<string, ReceiverCounts>
}

/** The delay before attempt `attempt + 1`, after `attempt` failed attempts (attempt ≥ 1). */
export function backoffDelay(attempt: number, policy: BackoffOptions, retryAfterMs?: number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1))
  const jittered = base * (1 - policy.jitter * policy.random())
  const wait =
    retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs))
  return Math.round(wait)
}

/**
 * Runs one delivery round: claims due messages, sends each to its receiver, and records the
 * outcome: sent; or failed and due again after an exponential, jittered delay (a 429's or 503's
 * `Retry-After` is honoured); or given up (any 4xx other than 408 and 429, a missing receiver, an
 * unreadable payload, or the last attempt). Delivery is at least once: a worker killed between
 * sending and recording lets its lease run out and the message is sent again with the same key,
 * which each receiver deduplicates (Alertmanager by labels, PagerDuty by dedup_key, webhooks by
 * Idempotency-Key). Messages of one receiver and incident are sent in order, and a failure defers
 * the later ones, so that a resolve never overtakes its open.
 */
export async function deliver(
  outbox: OutboxStore,
  receivers: ReadonlyMap<string, Receiver>,
  opts: DeliverOptions = {},
): Promise<DeliveryResult> {
  const clock = opts.clock ?? (opts.now ? () => opts.now! : () => new Date())
  const policy: BackoffOptions = { ...DEFAULT_BACKOFF, ...opts.backoff }
  const limit = opts.limit ?? 100
  const concurrency = Math.max(1, opts.concurrency ?? 8)
  const longest = Math.max(0, ...[...receivers.values()].map((r) => r.timeoutMs))
  const leaseMs = opts.leaseMs ?? Math.ceil(limit / concurrency) * longest + 30_000
  const claimed = await outbox.claimDue(opts.now ?? clock(), limit, leaseMs)
  const result: DeliveryResult = {
    claimed: claimed.length,
    sent: 0,
    retried: 0,
    gaveUp: 0,
    deferred: 0,
    superseded: 0,
    byReceiver: {},
  }
  const counts = (r: string) => (result.byReceiver[r] ??= { sent: 0, retried: 0, gaveUp: 0 })
  const log = (
    m: OutboxMessage,
    outcome: DeliveryLogEntry['outcome'],
    extra: Partial<DeliveryLogEntry> = {},
  ) =>
    opts.log?.({
      outcome,
      id: m.id,
      key: m.key,
      receiver: m.receiver,
      event: m.event,
      attempt: m.attempts,
      ...extra,
    })

  const chains = new Map<string, OutboxMessage[]>()
  for (const m of [...claimed].sort((a, b) => a.id - b.id)) {
    const k = `${m.receiver}\u0000${m.incidentId}`
    chains.set(k, [...(chains.get(k) ?? []), m])
  }

  const attempt = async (m: OutboxMessage): Promise<Date | undefined> => {
    const receiver = receivers.get(m.receiver)
    if (opts.superseded && (await opts.superseded(m))) {
      await outbox.markFailed(m.id, 'superseded: the incident changed before this was delivered', null)
      result.superseded++
      log(m, 'superseded')
      return undefined
    }
    let outcome: SendOutcome
    if (!receiver)
      outcome = { ok: false, retry: false, error: `receiver ${JSON.stringify(m.receiver)} is not configured` }
    else {
      try {
        outcome = await receiver.send(m, clock())
      } catch (e) {
        outcome = {
          ok: false,
          retry: true,
          error: receiver.redact(e instanceof Error ? e.message : String(e)),
        }
      }
    }
    const at = clock()
    if (outcome.ok) {
      await outbox.markSent(m.id, at)
      result.sent++
      counts(m.receiver).sent++
      log(m, 'sent')
      return undefined
    }
    if (!outcome.retry || m.attempts >= policy.maxAttempts) {
      const error = outcome.retry ? `${outcome.error} (gave up after ${m.attempts} attempts)` : outcome.error
      await outbox.markFailed(m.id, error, null)
      result.gaveUp++
      counts(m.receiver).gaveUp++
      log(m, 'gave-up', { error })
      return undefined
    }
    const next = new Date(at.getTime() + backoffDelay(m.attempts, policy, outcome.retryAfterMs))
    await outbox.markFailed(m.id, outcome.error, next)
    result.retried++
    counts(m.receiver).retried++
    log(m, 'retry', { error: outcome.error, nextAttemptAt: next })
    return next
  }

  const runChain = async (chain: OutboxMessage[]) => {
    let blockedUntil: { at: Date; key: string } | undefined
    for (const m of chain) {
      if (blockedUntil) {
        // Keep the order: due just after the message it waits for.
        const next = new Date(blockedUntil.at.getTime() + 1)
        await outbox.markFailed(m.id, `deferred behind ${blockedUntil.key}, which failed`, next)
        result.deferred++
        log(m, 'deferred', { nextAttemptAt: next })
        continue
      }
      const retryAt = await attempt(m)
      if (retryAt) blockedUntil = { at: retryAt, key: m.key }
    }
  }

  const queue = [...chains.values()]
  const errors: unknown[] = []
  const worker = async () => {
    for (let chain = queue.shift(); chain; chain = queue.shift()) {
      try {
        await runChain(chain)
      } catch (e) {
        // A store error: the messages of this chain keep their lease and come back when it ends.
        errors.push(e)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  if (errors.length) throw errors[0]
  return result
}

/** A running delivery loop. */
export interface DeliveryLoop {
  /** Runs a round now (after the current one), e.g. right after new messages were enqueued. */
  kick(): void
  /** Stops after the round in progress. */
  stop(): Promise<void>
}

/** Options of a delivery loop. */
export interface DeliveryLoopOptions extends Omit<DeliverOptions, 'now'> {
  /** Pause between rounds that found nothing to do (default 5 s). */
  intervalMs?: number
  /** Called with each round's result. */
  onRound?: (result: DeliveryResult) => void
  /** Called when a round fails (the store is down, say); the loop goes on. */
  onError?: (error: unknown) => void
}

/** Delivers in rounds until stopped: back to back while rounds are full, then every `intervalMs`. */
export function startDeliveryLoop(
  outbox: OutboxStore,
  receivers: ReadonlyMap<string, Receiver>,
  opts: DeliveryLoopOptions = {},
): DeliveryLoop {
  let stopped = false
  let kicked = false
  let wake: (() => void) | undefined
  let timer: NodeJS.Timeout | undefined
  const limit = opts.limit ?? 100
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve
      timer = setTimeout(resolve, ms)
    }).finally(() => {
      clearTimeout(timer)
      wake = undefined
    })
  const run = (async () => {
    while (!stopped) {
      let full = false
      kicked = false
      try {
        const r = await deliver(outbox, receivers, { ...opts, limit })
        opts.onRound?.(r)
        full = r.claimed >= limit
      } catch (e) {
        opts.onError?.(e)
      }
      if (!stopped && !full && !kicked) await sleep(opts.intervalMs ?? 5000)
    }
  })()
  return {
    kick: () => {
      kicked = true
      wake?.()
    },
    stop: async () => {
      stopped = true
      wake?.()
      await run
    },
  }
}
