import { afterEach, describe, expect, it } from 'vitest'
import { startLocalReceiver, type LocalReceiver } from '../../test/support/local-receiver.js'
import { memoryOutbox, type MemoryOutbox } from '../../test/support/memory-outbox.js'
import { incident, notifyConfig } from '../../test/support/notify.js'
import type { NotificationsInput } from './config.js'
import {
  backoffDelay,
  deliver,
  DEFAULT_BACKOFF,
  startDeliveryLoop,
  type DeliveryLogEntry,
} from './deliver.js'
import { createReceivers } from './receivers/index.js'
import type { Receiver } from './receivers/receiver.js'
import { planNotifications } from './router.js'
import type { NotifyIncident } from './types.js'

const SECRET = 'whsec-test-0123456789'
const ROUTING_KEY = 'PDROUTINGKEY0123456789'
const t0 = new Date('2026-12-01T10:05:00Z')
const later = (ms: number) => new Date(t0.getTime() + ms)
const noJitter = { jitter: 0, initialMs: 1000, maxMs: 60_000, maxAttempts: 4 }

let servers: LocalReceiver[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})
async function server(opts: Parameters<typeof startLocalReceiver>[0] = {}) {
  const s = await startLocalReceiver(opts)
  servers.push(s)
  return s
}

/** An outbox with the plan for `incidents` and receivers of one type each, all on local servers. */
async function setup(
  receivers: NotificationsInput['receivers'],
  incidents: NotifyIncident[] = [incident()],
  env: Record<string, string> = {},
): Promise<{ outbox: MemoryOutbox; rs: Map<string, Receiver> }> {
  const config = notifyConfig({ receivers, defaultReceivers: receivers!.map((r) => r.name) })
  const outbox = memoryOutbox()
  await outbox.enqueue(planNotifications(incidents, {}, config, t0), t0)
  return { outbox, rs: createReceivers(config, env) }
}

describe('delivery to local receivers', () => {
  it('sends each message to its receiver and marks it sent: webhook signed, Slack, PagerDuty at /v2/enqueue', async () => {
    const hook = await server({ secret: SECRET })
    const slack = await server()
    const pd = await server({ okStatus: 202, okBody: '{"status":"success"}' })
    const { outbox, rs } = await setup(
      [
        { name: 'hook', type: 'webhook', url: `${hook.url}/in`, secretEnv: 'HOOK_SECRET' },
        { name: 'slack', type: 'slack', urlEnv: 'SLACK_URL' },
        { name: 'pd', type: 'pagerduty', url: pd.url, routingKeyEnv: 'PD_KEY' },
      ],
      [incident()],
      { HOOK_SECRET: SECRET, SLACK_URL: `${slack.url}/services/T1/B2/SECRETPATH`, PD_KEY: ROUTING_KEY },
    )
    const r = await deliver(outbox, rs, { now: t0 })
    expect(r).toMatchObject({ claimed: 3, sent: 3, retried: 0, gaveUp: 0 })
    expect(await outbox.outboxStats()).toEqual({ pending: 0, sent: 3, failed: 0 })

    const [h] = hook.requests
    expect(h).toMatchObject({ method: 'POST', path: '/in', signatureValid: true })
    expect(h!.headers['idempotency-key']).toBe(`hook:inc-1:open:${Date.parse('2026-12-01T10:00:00Z')}`)
    expect(h!.headers['x-kubedac-timestamp']).toBe(String(t0.getTime() / 1000))
    expect(h!.headers['content-type']).toBe('application/json')
    expect(h!.json).toMatchObject({ event: 'open', incident: { id: 'inc-1' } })

    expect(slack.requests[0]).toMatchObject({ path: '/services/T1/B2/SECRETPATH' })
    expect(slack.requests[0]!.json).toMatchObject({ text: expect.stringContaining('CRITICAL') })

    expect(pd.requests[0]).toMatchObject({ path: '/v2/enqueue' })
    expect(pd.requests[0]!.json).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'inc-1',
    })
  })

  it('retries a 500 after an exponential delay, then delivers', async () => {
    const hook = await server()
    hook.script({ status: 500 }, { status: 503 })
    const { outbox, rs } = await setup([{ name: 'hook', type: 'webhook', url: hook.url }])
    const backoff = noJitter
    expect(await deliver(outbox, rs, { now: t0, backoff })).toMatchObject({ sent: 0, retried: 1 })
    const row = outbox.rows[0]!
    expect(row.nextAttemptAt).toEqual(later(1000))
    expect(row.lastError).toBe(`POST ${hook.url}: HTTP 500 scripted 500`)
    // Not due yet: nothing is claimed.
    expect(await deliver(outbox, rs, { now: later(999), backoff })).toMatchObject({ claimed: 0 })
    expect(await deliver(outbox, rs, { now: later(1000), backoff })).toMatchObject({ retried: 1 })
    expect(row.nextAttemptAt).toEqual(later(1000 + 2000))
    expect(await deliver(outbox, rs, { now: later(3000), backoff })).toMatchObject({ sent: 1 })
    expect(row).toMatchObject({ state: 'sent', attempts: 3 })
    expect(hook.requests).toHaveLength(3)
  })

  it('honours Retry-After on a 429 when it is longer than the backoff', async () => {
    const hook = await server()
    hook.script({ status: 429, headers: { 'retry-after': '120' } })
    const { outbox, rs } = await setup([{ name: 'hook', type: 'webhook', url: hook.url }])
    await deliver(outbox, rs, { now: t0, backoff: noJitter })
    expect(outbox.rows[0]!.nextAttemptAt).toEqual(later(120_000))
  })

  it('gives up at once on a 4xx other than 408 and 429, and retries a 408', async () => {
    const hook = await server()
    hook.script({ status: 400, body: 'invalid event' }, { status: 408 })
    const { outbox, rs } = await setup(
      [{ name: 'hook', type: 'webhook', url: hook.url }],
      [incident(), incident({ id: 'inc-2' })],
    )
    const r = await deliver(outbox, rs, { now: t0, backoff: noJitter, concurrency: 1 })
    expect(r).toMatchObject({
      gaveUp: 1,
      retried: 1,
      byReceiver: { hook: { sent: 0, retried: 1, gaveUp: 1 } },
    })
    expect(outbox.rows.map((x) => x.state)).toEqual(['failed', 'pending'])
    expect(outbox.rows[0]!.lastError).toBe(`POST ${hook.url}: HTTP 400 invalid event`)
  })

  it('gives up after the last attempt', async () => {
    const hook = await server()
    hook.script(...Array.from({ length: 4 }, () => ({ status: 502 })))
    const { outbox, rs } = await setup([{ name: 'hook', type: 'webhook', url: hook.url }])
    for (let i = 0, at = t0; i < 4; i++) {
      await deliver(outbox, rs, { now: at, backoff: noJitter })
      at = outbox.rows[0]!.nextAttemptAt
    }
    expect(outbox.rows[0]).toMatchObject({ state: 'failed', attempts: 4 })
    expect(outbox.rows[0]!.lastError).toMatch(/HTTP 502 scripted 502 \(gave up after 4 attempts\)$/)
  })

  it('retries when the receiver does not answer in time, or cannot be reached', async () => {
    const hook = await server()
    hook.script({ hang: true })
    // A port that was just free: nothing listens there any more.
    const closed = await startLocalReceiver()
    await closed.close()
    const { outbox, rs } = await setup([
      { name: 'hook', type: 'webhook', url: hook.url, timeout: '300ms' },
      { name: 'gone', type: 'webhook', url: closed.url },
    ])
    const r = await deliver(outbox, rs, { now: t0, backoff: noJitter })
    expect(r).toMatchObject({ retried: 2 })
    const err = (name: string) => outbox.rows.find((x) => x.receiver === name)!.lastError
    expect(err('hook')).toBe(`POST ${hook.url}: no answer within 300 ms`)
    expect(err('gone')).toBe(`POST ${closed.url}: ECONNREFUSED`)
  })

  it('delivers a redelivery (lost answer) to a webhook that applies it once by Idempotency-Key', async () => {
    const hook = await server()
    hook.script({ status: 500, processFirst: true }, { destroy: true })
    const { outbox, rs } = await setup([{ name: 'hook', type: 'webhook', url: hook.url }])
    for (let i = 0, at = t0; i < 3; i++) {
      await deliver(outbox, rs, { now: at, backoff: noJitter })
      at = outbox.rows[0]!.nextAttemptAt
    }
    expect(outbox.rows[0]!.state).toBe('sent')
    const key = outbox.rows[0]!.key
    expect(hook.deliveries.get(key)).toBe(3)
    expect(hook.effects.get(key)).toBe(1)
  })

  it('keeps the order of one receiver and incident: a failed open holds back its resolve', async () => {
    const hook = await server()
    hook.script({ status: 503 })
    const config = notifyConfig({
      receivers: [{ name: 'hook', type: 'webhook', url: hook.url }],
      defaultReceivers: ['hook'],
    })
    const outbox = memoryOutbox()
    await outbox.enqueue(planNotifications([incident()], {}, config, t0), t0)
    const resolved = incident({ state: 'resolved', resolvedAt: t0 })
    await outbox.enqueue(planNotifications([resolved], {}, config, t0), t0)
    const rs = createReceivers(config, {})
    const r1 = await deliver(outbox, rs, { now: t0, backoff: noJitter })
    expect(r1).toMatchObject({ retried: 1, deferred: 1 })
    expect(hook.requests).toHaveLength(1)
    expect(outbox.rows[1]!.nextAttemptAt.getTime()).toBeGreaterThan(outbox.rows[0]!.nextAttemptAt.getTime())
    await deliver(outbox, rs, { now: later(60_000), backoff: noJitter })
    expect(hook.requests.map((q) => (q.json as { event: string }).event)).toEqual(['open', 'open', 'resolve'])
  })

  it('gives up on a message for a receiver no longer configured, and on a payload it cannot read', async () => {
    const hook = await server()
    const { outbox, rs } = await setup([{ name: 'hook', type: 'webhook', url: hook.url }])
    await outbox.enqueue(
      [
        { key: 'old:inc-1:open:1', receiver: 'old', event: 'open', incidentId: 'inc-1', payload: {} },
        { key: 'hook:x:open:1', receiver: 'hook', event: 'open', incidentId: 'x', payload: { version: 9 } },
      ],
      t0,
    )
    const r = await deliver(outbox, rs, { now: t0 })
    expect(r).toMatchObject({ sent: 1, gaveUp: 2 })
    expect(outbox.byKey('old:inc-1:open:1')!.lastError).toBe('receiver "old" is not configured')
    expect(outbox.byKey('hook:x:open:1')!.lastError).toMatch(/^malformed notification payload: version/)
  })

  it('drops a message its caller says is superseded, without sending it', async () => {
    const hook = await server()
    const { outbox, rs } = await setup([{ name: 'hook', type: 'webhook', url: hook.url }])
    const r = await deliver(outbox, rs, { now: t0, superseded: (m) => m.event === 'open' })
    expect(r).toMatchObject({ superseded: 1, sent: 0 })
    expect(hook.requests).toHaveLength(0)
    expect(outbox.rows[0]!.state).toBe('failed')
  })

  it('never puts a secret in an error or a log: not the routing key, the webhook secret or the Slack URL', async () => {
    const echo = await server()
    // A receiver that echoes what it got in its error answer.
    echo.script(
      { status: 500, body: `bad key ${ROUTING_KEY}` },
      { status: 500, body: `bad path /services/T1/B2/SECRETPATH` },
      { status: 500, body: `secret was ${SECRET}` },
    )
    const { outbox, rs } = await setup(
      [
        { name: 'pd', type: 'pagerduty', url: echo.url, routingKeyEnv: 'PD_KEY' },
        { name: 'slack', type: 'slack', urlEnv: 'SLACK_URL' },
        { name: 'hook', type: 'webhook', url: `${echo.url}/h?token=QUERYSECRET`, secretEnv: 'HOOK_SECRET' },
      ],
      [incident()],
      { PD_KEY: ROUTING_KEY, SLACK_URL: `${echo.url}/services/T1/B2/SECRETPATH`, HOOK_SECRET: SECRET },
    )
    const logs: DeliveryLogEntry[] = []
    await deliver(outbox, rs, { now: t0, concurrency: 1, log: (e) => logs.push(e) })
    const text = JSON.stringify({ logs, rows: outbox.rows.map((r) => r.lastError) })
    expect(logs.map((l) => l.outcome)).toEqual(['retry', 'retry', 'retry'])
    for (const secret of [ROUTING_KEY, 'SECRETPATH', SECRET, 'QUERYSECRET'])
      expect(text).not.toContain(secret)
    expect(text).toContain('[redacted]')
    expect(outbox.byKey(outbox.rows[1]!.key)!.lastError).toBe(
      `POST ${echo.url}/…: HTTP 500 bad path [redacted]`,
    )
  })
})

describe('leases', () => {
  it('by default hold longer than a round can take: ⌈limit / concurrency⌉ × the longest timeout + 30 s', async () => {
    const outbox = memoryOutbox()
    await outbox.enqueue([{ key: 'k', receiver: 'r', event: 'open', incidentId: 'i', payload: {} }], t0)
    let lease: Date | null = null
    const r: Receiver = {
      name: 'r',
      type: 'webhook',
      timeoutMs: 2000,
      redact: (t) => t,
      async send() {
        lease = outbox.rows[0]!.leaseUntil
        return { ok: true, status: 200 }
      },
    }
    await deliver(outbox, new Map([['r', r]]), { now: t0, limit: 10, concurrency: 2 })
    expect(lease).toEqual(later(5 * 2000 + 30_000))
  })
})

describe('backoff', () => {
  const policy = { ...DEFAULT_BACKOFF, initialMs: 10_000, maxMs: 3_600_000 }

  it('doubles from the initial delay up to the cap', () => {
    const fixed = { ...policy, jitter: 0 }
    expect([1, 2, 3, 4, 12].map((a) => backoffDelay(a, fixed))).toEqual([
      10_000, 20_000, 40_000, 80_000, 3_600_000,
    ])
  })

  it('draws the jitter within [(1 − jitter)·d, d]', () => {
    expect(backoffDelay(3, { ...policy, jitter: 0.5, random: () => 0 })).toBe(40_000)
    expect(backoffDelay(3, { ...policy, jitter: 0.5, random: () => 0.999999 })).toBe(20_000)
  })

  it('waits at least Retry-After, up to its cap', () => {
    const fixed = { ...policy, jitter: 0, maxRetryAfterMs: 600_000 }
    expect(backoffDelay(1, fixed, 5_000)).toBe(10_000)
    expect(backoffDelay(1, fixed, 120_000)).toBe(120_000)
    expect(backoffDelay(1, fixed, 86_400_000)).toBe(600_000)
  })
})

describe('the delivery loop', () => {
  it('drains the outbox in rounds and stops cleanly', async () => {
    const hook = await server()
    const incs = Array.from({ length: 25 }, (_, i) => incident({ id: `inc-${i}` }))
    const { outbox, rs } = await setup([{ name: 'hook', type: 'webhook', url: hook.url }], incs)
    const rounds: number[] = []
    const loop = startDeliveryLoop(outbox, rs, {
      clock: () => t0,
      limit: 10,
      intervalMs: 60_000,
      onRound: (r) => rounds.push(r.sent),
    })
    await hook.waitFor(25)
    await loop.stop()
    expect(rounds).toEqual([10, 10, 5])
    expect(await outbox.outboxStats()).toEqual({ pending: 0, sent: 25, failed: 0 })
  })

  it('runs a round at once when kicked', async () => {
    const hook = await server()
    const { outbox, rs } = await setup([{ name: 'hook', type: 'webhook', url: hook.url }], [])
    const loop = startDeliveryLoop(outbox, rs, { intervalMs: 60_000 })
    const config = notifyConfig({
      receivers: [{ name: 'hook', type: 'webhook', url: hook.url }],
      defaultReceivers: ['hook'],
    })
    await outbox.enqueue(planNotifications([incident()], {}, config, new Date()), new Date())
    loop.kick()
    await hook.waitFor(1, 5000)
    await loop.stop()
    expect(hook.requests).toHaveLength(1)
  })
})
