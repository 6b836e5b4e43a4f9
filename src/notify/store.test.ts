import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startLocalReceiver, type LocalReceiver } from '../../test/support/local-receiver.js'
import { incident, notifyConfig } from '../../test/support/notify.js'
import type { Severity } from '../core/types.js'
import { dropPostgresSchema, openStore, type RecordScanInput, type Store } from '../store/index.js'
import { deliver } from './deliver.js'
import { enqueueChanges, enqueueSweep } from './enqueue.js'
import { createReceivers } from './receivers/index.js'
import { planNotifications } from './router.js'

// Delivery against the real store: the outbox on SQLite (the default) and on PostgreSQL, one code path.
const PG_URL = process.env.KUBEDAC_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test'
const RUN = `kdac_notify${process.pid}_${Date.now().toString(36)}`
const dir = mkdtempSync(join(tmpdir(), 'kubedac-notify-store-'))
const schemas: string[] = []
let n = 0

const backends: { name: string; open: () => Promise<Store> }[] = [
  { name: 'SQLite', open: () => openStore({ file: join(dir, `outbox-${n++}.db`) }) },
  {
    name: 'PostgreSQL',
    open: () => {
      const schema = `${RUN}_${n++}`
      schemas.push(schema)
      return openStore({ url: PG_URL, schema, poolSize: 2 })
    },
  },
]

const SECRET = 'whsec-store-test-123'
const t0 = new Date('2026-12-01T10:05:00Z')
const later = (ms: number) => new Date(t0.getTime() + ms)
const backoff = { jitter: 0, initialMs: 1000, maxMs: 60_000, maxAttempts: 5 }

let open: { store: Store; hook: LocalReceiver }[] = []
afterEach(async () => {
  for (const o of open) {
    await o.store.close()
    await o.hook.close()
  }
  open = []
})
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  for (const s of schemas) await dropPostgresSchema(PG_URL, s)
})

for (const backend of backends) {
  describe(`delivery through the ${backend.name} outbox`, () => {
    async function setup(incidents = [incident()]) {
      const store = await backend.open()
      const hook = await startLocalReceiver({ secret: SECRET })
      open.push({ store, hook })
      const config = notifyConfig({
        receivers: [{ name: 'hook', type: 'webhook', url: hook.url, secretEnv: 'SECRET' }],
        defaultReceivers: ['hook'],
      })
      const plan = (at: Date, incs = incidents) => planNotifications(incs, {}, config, at)
      return { store, hook, plan, rs: createReceivers(config, { SECRET }) }
    }

    it('delivers what was planned once, and a replayed plan adds nothing', async () => {
      const { store, hook, plan, rs } = await setup([incident(), incident({ id: 'inc-2' })])
      expect(await store.enqueue(plan(t0), t0)).toBe(2)
      expect(await deliver(store, rs, { now: t0 })).toMatchObject({ claimed: 2, sent: 2 })
      expect(await store.enqueue(plan(later(60_000)), later(60_000))).toBe(0)
      expect(await deliver(store, rs, { now: later(60_000) })).toMatchObject({ claimed: 0 })
      expect(await store.outboxStats()).toEqual({ pending: 0, sent: 2, failed: 0 })
      expect(hook.requests.map((r) => r.signatureValid)).toEqual([true, true])
      expect([...hook.effects.values()]).toEqual([1, 1])
    })

    it('retries after the backoff the store keeps, counting attempts by claims, and gives up on a final answer', async () => {
      const { store, hook, plan, rs } = await setup([incident(), incident({ id: 'inc-2' })])
      hook.script({ status: 503 }, { status: 404 })
      await store.enqueue(plan(t0), t0)
      expect(await deliver(store, rs, { now: t0, backoff, concurrency: 1 })).toMatchObject({
        retried: 1,
        gaveUp: 1,
      })
      expect(await deliver(store, rs, { now: later(999), backoff })).toMatchObject({ claimed: 0 })
      const claimedAt = await store.claimDue(later(1000), 10, 1)
      expect(claimedAt.map((m) => m.attempts)).toEqual([2])
      // That claim was a worker that died: its lease (1 ms) ran out, and the message comes back.
      expect(await deliver(store, rs, { now: later(1001), backoff })).toMatchObject({ sent: 1 })
      expect(await store.outboxStats()).toEqual({ pending: 0, sent: 1, failed: 1 })
    })

    it('keeps a resolve behind its failed open across rounds', async () => {
      const { store, hook, plan, rs } = await setup()
      hook.script({ status: 500 })
      await store.enqueue(plan(t0), t0)
      await store.enqueue(plan(t0, [incident({ state: 'resolved', resolvedAt: t0 })]), t0)
      expect(await deliver(store, rs, { now: t0, backoff })).toMatchObject({ retried: 1, deferred: 1 })
      expect(await deliver(store, rs, { now: later(1000), backoff })).toMatchObject({ sent: 1, claimed: 1 })
      expect(await deliver(store, rs, { now: later(1001), backoff })).toMatchObject({ sent: 1 })
      expect(hook.requests.map((r) => (r.json as { event: string }).event)).toEqual([
        'open',
        'open',
        'resolve',
      ])
    })

    function scanOf(severity: Severity | null, at: Date, names = ['web']): RecordScanInput {
      return {
        cluster: { name: 'c1', source: 'ctx-c1', labels: { team: 'shop', env: 'prod' } },
        result: { name: 'c1', source: 'ctx-c1', status: 'scanned', objects: 3, skipped: [], errors: [] },
        findings: (severity ? names : []).map((name) => ({
          detector: 'container-crashloop',
          title: 'Container restarts in a loop',
          severity: severity!,
          category: 'workload',
          cluster: 'c1',
          object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name },
          messageId: 'loop',
          message: `${name} restarts in a loop`,
          evidence: {},
          remediation: 'read the logs',
          runbook: 'https://example.test/runbook',
          fingerprint: `container-crashloop|c1|${name}`,
          cause: `Deployment/shop/${name}`,
        })),
        detectorsRan: ['container-crashloop'],
        now: at,
      }
    }
    const shopConfig = (url: string) =>
      notifyConfig({
        receivers: [{ name: 'hook', type: 'webhook', url }],
        routes: [{ match: { team: 'shop' }, receivers: ['hook'] }],
        resendInterval: '4h',
      })
    const events = (hook: LocalReceiver) =>
      hook.requests.map((r) => {
        const b = r.json as { event: string; severity: string }
        return [b.event, b.severity]
      })

    it('notifies what the store records: open, escalate and resolve of one incident, routed by its cluster labels', async () => {
      const { store, hook, rs } = await setup()
      const config = shopConfig(hook.url)
      const r1 = await store.recordScan(scanOf('warning', t0))
      expect(await enqueueChanges(store, r1, config, t0)).toEqual({ incidents: 1, planned: 1, added: 1 })
      await deliver(store, rs, { now: t0 })
      const r2 = await store.recordScan(scanOf('critical', later(60_000)))
      expect(r2.escalated).toHaveLength(1)
      await enqueueChanges(store, r2, config, later(60_000))
      // Replaying the same result adds nothing.
      expect((await enqueueChanges(store, r2, config, later(60_000))).added).toBe(0)
      await deliver(store, rs, { now: later(60_000) })
      const r4 = await store.recordScan(scanOf(null, later(180_000)))
      expect(r4.resolved).toHaveLength(1)
      await enqueueChanges(store, r4, config, later(180_000))
      await deliver(store, rs, { now: later(180_000) })
      expect(events(hook)).toEqual([
        ['open', 'warning'],
        ['escalate', 'critical'],
        ['resolve', 'critical'],
      ])
      const body = hook.requests[0]!.json as { findings: { total: number }; labels: Record<string, string> }
      expect(body.findings.total).toBe(1)
      expect(body.labels).toEqual({ team: 'shop', env: 'prod' })
      expect(await store.outboxStats()).toEqual({ pending: 0, sent: 3, failed: 0 })
    })

    it('sweeps open incidents: resends a long-open critical, and opens what a crash kept from being enqueued', async () => {
      const { store, hook, rs } = await setup()
      const config = shopConfig(hook.url)
      const r1 = await store.recordScan(scanOf('critical', t0))
      await enqueueChanges(store, r1, config, t0)
      const inc = (await store.listIncidents({ state: 'open' })).items[0]!
      expect((await store.getIncident(inc.id))!.lastNotifiedAt).toEqual(t0)
      // Nothing is owed: the sweep reads no incident at all.
      expect(await enqueueSweep(store, config, later(60_000))).toEqual({ incidents: 0, planned: 0, added: 0 })
      // The process died after recording this scan, before enqueueing what it changed.
      await store.recordScan(scanOf('critical', later(120_000), ['web', 'api']))
      const swept = await enqueueSweep(store, config, later(180_000))
      expect(swept).toMatchObject({ incidents: 1, added: 1 })
      expect((await enqueueSweep(store, config, later(4 * 3_600_000))).added).toBe(1)
      await deliver(store, rs, { now: later(4 * 3_600_000) })
      const sent = hook.requests.map((r) => r.json as { event: string; incident: { cause: string } })
      expect(sent.map((b) => [b.event, b.incident.cause])).toEqual([
        ['open', 'Deployment/shop/web'],
        ['open', 'Deployment/shop/api'],
        ['resend', 'Deployment/shop/web'],
      ])
    })

    // What a crash between recording a scan and enqueueing its messages leaves: the scan in the
    // store, its messages nowhere. The store's record of what was notified says what is owed.
    it('a crash after recording an escalation and before enqueueing it: the next sweep sends that escalation once', async () => {
      const { store, hook, rs } = await setup()
      const config = shopConfig(hook.url)
      await enqueueChanges(store, await store.recordScan(scanOf('warning', t0)), config, t0)
      await deliver(store, rs, { now: t0 })
      const r2 = await store.recordScan(scanOf('critical', later(60_000)))
      expect(r2.escalated).toHaveLength(1)
      const id = r2.escalated[0]!.id
      expect((await store.notifiedStates([id])).get(id)).toMatchObject({
        openedSeverity: 'warning',
        severity: 'warning',
        state: 'open',
      })
      // Killed here. The restarted process sweeps: the escalation, once.
      expect(await store.incidentsToNotify({ now: later(120_000), limit: 10 })).toEqual([id])
      expect(await enqueueSweep(store, config, later(120_000))).toMatchObject({ incidents: 1, added: 1 })
      expect(await enqueueSweep(store, config, later(180_000))).toEqual({
        incidents: 0,
        planned: 0,
        added: 0,
      })
      // The scan's own plan, had it run late, adds nothing either.
      expect((await enqueueChanges(store, r2, config, later(180_000))).added).toBe(0)
      await deliver(store, rs, { now: later(180_000) })
      expect(events(hook)).toEqual([
        ['open', 'warning'],
        ['escalate', 'critical'],
      ])
      expect((hook.requests[1]!.json as { previousSeverity?: string }).previousSeverity).toBe('warning')
      expect((await store.notifiedStates([id])).get(id)).toMatchObject({
        severity: 'critical',
        state: 'open',
      })
    })

    it('a crash after recording a resolve and before enqueueing it: the resolve goes out once, three days later', async () => {
      const { store, hook, rs } = await setup()
      const config = shopConfig(hook.url)
      await enqueueChanges(store, await store.recordScan(scanOf('warning', t0)), config, t0)
      await deliver(store, rs, { now: t0 })
      const r2 = await store.recordScan(scanOf(null, later(60_000)))
      expect(r2.resolved).toHaveLength(1)
      // Killed here, and down for three days: no window forgets the resolve.
      const back = later(72 * 3_600_000)
      expect(await enqueueSweep(store, config, back)).toMatchObject({ incidents: 1, added: 1 })
      expect(await enqueueSweep(store, config, back)).toEqual({ incidents: 0, planned: 0, added: 0 })
      await deliver(store, rs, { now: back })
      expect(events(hook)).toEqual([
        ['open', 'warning'],
        ['resolve', 'warning'],
      ])
      const id = r2.resolved[0]!.id
      expect((await store.notifiedStates([id])).get(id)).toMatchObject({ state: 'resolved', dueAt: null })
    })

    it('a crash after enqueueing and before recording what was notified: the sweep adds nothing, and records it', async () => {
      const { store, hook, rs } = await setup()
      const config = shopConfig(hook.url)
      const r1 = await store.recordScan(scanOf('critical', t0))
      // The same store, killed as it records what was notified (after the enqueue).
      const dying = {
        ...store,
        markNotified: () => Promise.reject(new Error('killed')),
      }
      await expect(enqueueChanges(dying, r1, config, t0)).rejects.toThrow('killed')
      expect(await store.outboxStats()).toMatchObject({ pending: 1 })
      expect(await enqueueSweep(store, config, later(60_000))).toEqual({ incidents: 1, planned: 1, added: 0 })
      expect(await enqueueSweep(store, config, later(120_000))).toEqual({
        incidents: 0,
        planned: 0,
        added: 0,
      })
      await deliver(store, rs, { now: later(120_000) })
      expect(events(hook)).toEqual([['open', 'critical']])
    })

    it('an incident never notified before a crash is opened at its peak, with no escalation; one resolved before anyone heard of it owes nothing', async () => {
      const { store, hook, rs } = await setup()
      const config = shopConfig(hook.url)
      await store.recordScan(scanOf('warning', t0))
      await store.recordScan(scanOf('critical', later(60_000)))
      expect(await enqueueSweep(store, config, later(120_000))).toMatchObject({ incidents: 1, added: 1 })
      await store.recordScan(scanOf('critical', later(180_000), ['api']))
      await store.recordScan(scanOf(null, later(240_000)))
      // web's resolve is owed (its opening went out); api was never heard of: nothing.
      expect(await enqueueSweep(store, config, later(300_000))).toMatchObject({ incidents: 1, added: 1 })
      await deliver(store, rs, { now: later(300_000) })
      expect(events(hook)).toEqual([
        ['open', 'critical'],
        ['resolve', 'critical'],
      ])
      expect(await store.incidentsToNotify({ now: later(300_000), limit: 10 })).toEqual([])
    })

    it('a silenced incident is not notified and stays owed; when the silence expires the sweep opens it, once', async () => {
      const { store, hook, rs } = await setup()
      const config = shopConfig(hook.url)
      await store.createSilence(
        {
          matchers: { detector: 'container-crashloop' },
          owner: 'shop',
          reason: 'known',
          createdBy: 'test',
          expiresAt: later(3_600_000),
        },
        t0,
      )
      const r1 = await store.recordScan(scanOf('critical', later(60_000)))
      expect(await enqueueChanges(store, r1, config, later(60_000))).toMatchObject({ added: 0 })
      expect(await enqueueSweep(store, config, later(120_000))).toMatchObject({ incidents: 1, added: 0 })
      expect(await store.incidentsToNotify({ now: later(120_000), limit: 10 })).toHaveLength(1)
      expect(await enqueueSweep(store, config, later(3_600_001))).toMatchObject({ incidents: 1, added: 1 })
      expect(await enqueueSweep(store, config, later(3_700_000))).toMatchObject({ incidents: 0, added: 0 })
      await deliver(store, rs, { now: later(3_700_000) })
      expect(events(hook)).toEqual([['open', 'critical']])
    })

    it('resends a long-open critical when its period comes, read from the due index; after a long stop, once for the current period', async () => {
      const { store, hook, rs } = await setup()
      const config = shopConfig(hook.url)
      const r1 = await store.recordScan(scanOf('critical', t0))
      await enqueueChanges(store, r1, config, t0)
      const id = r1.opened[0]!.id
      expect((await store.notifiedStates([id])).get(id)?.dueAt).toEqual(later(4 * 3_600_000))
      expect(await store.incidentsToNotify({ now: later(4 * 3_600_000 - 1), limit: 10 })).toEqual([])
      // Down from before the first resend until the third period: one resend, the third.
      expect(await enqueueSweep(store, config, later(13 * 3_600_000))).toMatchObject({
        incidents: 1,
        added: 1,
      })
      expect(await enqueueSweep(store, config, later(13 * 3_600_000))).toMatchObject({ incidents: 0 })
      expect((await store.notifiedStates([id])).get(id)?.dueAt).toEqual(later(16 * 3_600_000))
      expect(await enqueueSweep(store, config, later(16 * 3_600_000))).toMatchObject({
        incidents: 1,
        added: 1,
      })
      await deliver(store, rs, { now: later(16 * 3_600_000) })
      const sent = hook.requests.map((r) => r.json as { event: string; sequence?: number })
      expect(sent.map((b) => [b.event, b.sequence])).toEqual([
        ['open', undefined],
        ['resend', 3],
        ['resend', 4],
      ])
    })
  })
}
