import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../src/store/index.js'
import { startAlertmanager, type RunningAlertmanager } from './support/alertmanager.js'
import { startLocalReceiver, type LocalReceiver } from './support/local-receiver.js'
import { copyFleet, serveOnce, tempDir } from './support/serve.js'

// `kubedac serve` delivering to a real Alertmanager (Debian's prometheus-alertmanager on loopback),
// run after run: Alertmanager holds one alert per open incident, restarts add none, and a problem
// that goes away is resolved there. Alertmanager's own notifications go to a local webhook, which
// shows what it made of them: each alert notified once.

interface AmAlert {
  labels: Record<string, string>
  endsAt: string
  status: { state: string }
}
interface AmNotification {
  status: 'firing' | 'resolved'
  alerts: { status: string; labels: Record<string, string> }[]
}

let tmp: ReturnType<typeof tempDir>
let am: RunningAlertmanager
let hook: LocalReceiver
let fleet: string

beforeAll(async () => {
  tmp = tempDir()
  fleet = copyFleet(tmp.dir)
  hook = await startLocalReceiver()
  am = await startAlertmanager({ webhookUrl: `${hook.url}/am` })
  writeFileSync(
    join(tmp.dir, 'kubedac.yaml'),
    `notifications:\n  receivers:\n    - name: am\n      type: alertmanager\n      url: ${am.url}\n  defaultReceivers: [am]\n`,
  )
})

afterAll(async () => {
  await am?.stop()
  await hook?.close()
  tmp?.remove()
})

const alerts = async () => (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as AmAlert[]
const notifications = () => hook.requests.map((r) => r.json as AmNotification)
const firingIncidents = () =>
  notifications()
    .filter((n) => n.status === 'firing')
    .flatMap((n) => n.alerts.map((a) => a.labels.incident!))

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; Alertmanager log:\n${am.log()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('kubedac serve with a real Alertmanager', () => {
  it('keeps one alert per open incident across restarts, notified once, and resolves a problem that goes away', async () => {
    const run = async () => {
      const r = await serveOnce(['fleet', '--database', 'kubedac.db'], { cwd: tmp.dir })
      expect(r.code, JSON.stringify([...r.logs.filter((l) => l.level !== 'info'), ...r.other])).toBe(0)
    }
    await run()
    const store = await openStore({ file: join(tmp.dir, 'kubedac.db') })
    const open = (await store.listIncidents({ state: 'open' }, { limit: 1000 })).items.filter(
      (i) => i.severity !== 'info',
    )
    await store.close()
    expect(open.length).toBeGreaterThan(5)
    const ids = open.map((i) => i.id).sort()
    await until('every open incident to be an alert', async () => (await alerts()).length === ids.length)
    expect([...new Set((await alerts()).map((a) => a.labels.incident))].sort()).toEqual(ids)
    await until('Alertmanager to notify them', () => new Set(firingIncidents()).size === ids.length)

    // A restart with nothing changed: no new alert, no second notification.
    await run()
    await new Promise((r) => setTimeout(r, 1500))
    expect((await alerts()).length).toBe(ids.length)
    expect(firingIncidents().sort()).toEqual(ids)

    // Node-2's memory pressure goes away: its incident resolves in Alertmanager too.
    const file = join(fleet, 'prod-eu-1', 'nodes.json')
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[]
    }
    doc.items
      .find((n) => n.metadata.name === 'prod-eu-1-node-2')!
      .status.conditions.find((c) => c.type === 'MemoryPressure')!.status = 'False'
    writeFileSync(file, JSON.stringify(doc))
    await run()
    const s2 = await openStore({ file: join(tmp.dir, 'kubedac.db') })
    const resolved = (await s2.listIncidents({ state: 'resolved' }, { limit: 10 })).items.map((i) => i.id)
    await s2.close()
    expect(resolved).toHaveLength(1)
    await until('the resolve to reach Alertmanager', () =>
      notifications().some(
        (n) => n.status === 'resolved' && n.alerts.some((a) => a.labels.incident === resolved[0]),
      ),
    )
    const active = (await alerts()).filter((a) => a.status.state === 'active').map((a) => a.labels.incident)
    expect(active).not.toContain(resolved[0])
    expect(firingIncidents().sort()).toEqual(ids)
  }, 120_000)
})
