import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAlertmanager, type RunningAlertmanager } from '../../../test/support/alertmanager.js'
import { startLocalReceiver, type LocalReceiver } from '../../../test/support/local-receiver.js'
import { memoryOutbox } from '../../../test/support/memory-outbox.js'
import { incident, notifyConfig } from '../../../test/support/notify.js'
import { deliver } from '../deliver.js'
import { planNotifications } from '../router.js'
import type { NotifyIncident } from '../types.js'
import { createReceivers } from './index.js'

interface AmAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string
  status: { state: string }
}
interface AmNotification {
  status: 'firing' | 'resolved'
  alerts: { status: string; labels: Record<string, string>; endsAt: string }[]
}

let am: RunningAlertmanager
let hook: LocalReceiver

beforeAll(async () => {
  // Where Alertmanager itself sends its notifications: shows what it made of our alerts.
  hook = await startLocalReceiver()
  am = await startAlertmanager({ webhookUrl: `${hook.url}/am` })
})

afterAll(async () => {
  await am?.stop()
  await hook?.close()
})

const activeAlerts = async (): Promise<AmAlert[]> => {
  const res = await fetch(`${am.url}/api/v2/alerts`)
  expect(res.status).toBe(200)
  return (await res.json()) as AmAlert[]
}

/** Waits until Alertmanager has sent a notification with this status about this incident. */
async function notified(status: 'firing' | 'resolved', incidentId: string): Promise<AmNotification> {
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    const n = hook.requests
      .map((r) => r.json as AmNotification)
      .find((j) => j?.status === status && j.alerts.some((a) => a.labels.incident === incidentId))
    if (n) return n
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`Alertmanager sent no ${status} notification for ${incidentId}; its log:\n${am.log()}`)
}

describe('a real Alertmanager', () => {
  const config = () =>
    notifyConfig({
      receivers: [{ name: 'am', type: 'alertmanager', url: am.url }],
      defaultReceivers: ['am'],
    })
  const labels = { 'prod-eu': { team: 'payments', env: 'prod' } }

  async function send(incidents: NotifyIncident[]) {
    const outbox = memoryOutbox()
    const now = new Date()
    await outbox.enqueue(planNotifications(incidents, labels, config(), now), now)
    const r = await deliver(outbox, createReceivers(config(), {}))
    expect(r.sent, JSON.stringify(outbox.rows.map((x) => x.lastError))).toBe(r.claimed)
    return outbox
  }

  it('takes the alert with its labels and annotations, once however often it is posted, and resolves it', async () => {
    const opened = incident({ id: 'am-inc-1', openedAt: new Date(Date.now() - 600_000) })
    const outbox = await send([opened])
    // A redelivery (the worker died before recording it) posts the same alert again.
    const [msg] = outbox.rows
    const again = await createReceivers(config(), {}).get('am')!.send(msg!, new Date())
    expect(again.ok).toBe(true)

    const mine = (await activeAlerts()).filter((a) => a.labels.incident === 'am-inc-1')
    expect(mine).toHaveLength(1)
    expect(mine[0]!.status.state).toBe('active')
    expect(mine[0]!.labels).toMatchObject({
      alertname: 'container-crashloop',
      severity: 'critical',
      cluster: 'prod-eu',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'web',
      fingerprint: 'fp-web-crashloop',
      team: 'payments',
      env: 'prod',
    })
    expect(mine[0]!.annotations).toMatchObject({
      summary: 'Container restarts in a loop on prod-eu',
      runbook_url: 'https://kubedac.example/runbooks/container-crashloop',
    })
    expect(Date.parse(mine[0]!.startsAt)).toBe(opened.openedAt.getTime())
    expect(Date.parse(mine[0]!.endsAt)).toBeGreaterThan(Date.now())
    const firing = await notified('firing', 'am-inc-1')
    expect(firing.alerts).toHaveLength(1)

    await send([{ ...opened, state: 'resolved', resolvedAt: new Date() }])
    expect((await activeAlerts()).filter((a) => a.labels.incident === 'am-inc-1')).toEqual([])
    const resolved = await notified('resolved', 'am-inc-1')
    expect(resolved.alerts[0]!.status).toBe('resolved')
    expect(Date.parse(resolved.alerts[0]!.endsAt)).toBeLessThanOrEqual(Date.now())
  })

  it('on escalation keeps only the new severity firing', async () => {
    const escalated = incident({
      id: 'am-inc-2',
      openedSeverity: 'warning',
      severity: 'critical',
      openedAt: new Date(Date.now() - 60_000),
    })
    await send([escalated])
    const mine = (await activeAlerts()).filter((a) => a.labels.incident === 'am-inc-2')
    expect(mine.map((a) => a.labels.severity)).toEqual(['critical'])
  })
})
