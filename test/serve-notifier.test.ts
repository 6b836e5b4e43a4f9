import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveTargets } from '../src/collect/inventory.js'
import { parseNotifications } from '../src/notify/config.js'
import { createNotifier } from '../src/serve/notifier.js'
import { recordScanned, scanForStore } from '../src/serve/record.js'
import { openStore } from '../src/store/index.js'
import type { OutboxMessage, Store } from '../src/store/types.js'
import { defaultSetup, FLEET, tempDir } from './support/serve.js'

// The glue between a recorded scan and the outbox, against a real SQLite store holding real scans
// of the example fleet: what a crash between the two steps would lose is planned again.

const config = parseNotifications({
  receivers: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
  defaultReceivers: ['hook'],
})

let tmp: ReturnType<typeof tempDir>
let store: Store

async function drain(): Promise<OutboxMessage[]> {
  const out: OutboxMessage[] = []
  for (;;) {
    const batch = await store.claimDue(new Date(Date.now() + 86_400_000), 1000, 60_000)
    if (!batch.length) return out
    for (const m of batch) await store.markSent(m.id, new Date())
    out.push(...batch)
  }
}

beforeAll(async () => {
  tmp = tempDir()
  store = await openStore({ file: join(tmp.dir, 'kubedac.db') })
})

afterAll(async () => {
  await store?.close()
  tmp?.remove()
})

describe('planning notifications from the store', () => {
  it('plans the openings of a scan, and a restart that missed a resolution plans it on its next sweep, once', async () => {
    const { setup } = await defaultSetup()
    const { targets } = await resolveTargets([FLEET])
    const prod = targets.find((t) => t.name === 'prod-eu-1')!
    const first = createNotifier({ store, config })
    const scanned = await scanForStore(prod, setup)
    const r1 = await recordScanned(store, prod, scanned)
    expect(await first.afterScan(r1, new Date())).toBeGreaterThan(0)
    const opened = await drain()
    const memory = scanned.findings.find((f) => f.detector === 'node-memory-pressure')!
    const memoryIncident = (await store.getFinding(memory.fingerprint))!.incidentId!
    expect(opened.map((m) => `${m.incidentId} ${m.event}`)).toContain(`${memoryIncident} open`)

    // The next scan no longer sees the memory pressure: its incident resolves in the store, and the
    // process dies before planning (afterScan is never called).
    const r2 = await recordScanned(store, prod, {
      ...scanned,
      findings: scanned.findings.filter((f) => f.detector !== 'node-memory-pressure'),
      finishedAt: new Date(),
    })
    expect(r2.resolved.map((i) => i.id)).toEqual([memoryIncident])

    // A new process: its sweep plans the lost resolve, once; later sweeps add nothing.
    const second = createNotifier({ store, config })
    expect(await second.sweep(new Date())).toBe(1)
    expect((await drain()).map((m) => `${m.incidentId} ${m.event}`)).toEqual([`${memoryIncident} resolve`])
    expect(await second.sweep(new Date())).toBe(0)
    expect(await createNotifier({ store, config }).sweep(new Date())).toBe(0)
  })

  it('plans nothing without receivers', async () => {
    const quiet = createNotifier({ store, config: parseNotifications({}) })
    expect(await quiet.sweep(new Date())).toBe(0)
  })
})
