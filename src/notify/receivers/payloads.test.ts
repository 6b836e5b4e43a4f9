import { describe, expect, it } from 'vitest'
import { finding, incident, notifyConfig } from '../../../test/support/notify.js'
import type { NotificationEvent, NotifyIncident } from '../types.js'
import { planNotifications } from '../router.js'
import { readPayload } from '../payload.js'
import { alertmanagerAlerts, labelName } from './alertmanager.js'
import { pagerdutyDedupKey, pagerdutyEvent } from './pagerduty.js'
import { slackMessage } from './slack.js'
import { signWebhook, verifyWebhookSignature, webhookBody } from './webhook.js'

const config = notifyConfig({
  receivers: [{ name: 'hook', type: 'webhook', url: 'http://127.0.0.1:1' }],
  defaultReceivers: ['hook'],
  minSeverity: 'info',
})
const labels = { 'prod-eu': { team: 'payments', env: 'prod', 'topology.kubernetes.io/region': 'eu-west-1' } }
const now = new Date('2026-12-01T12:00:00Z')

/** The payload planned for an incident and event, read back as delivery reads it. */
function payloadOf(inc: NotifyIncident, event: NotificationEvent = 'open') {
  const m = planNotifications([inc], labels, config, now).find((x) => x.event === event)
  if (!m) throw new Error(`no ${event} planned`)
  return readPayload(JSON.parse(JSON.stringify(m.payload)))
}

const resolved = () =>
  incident({ state: 'resolved', resolvedAt: new Date('2026-12-01T11:30:00Z'), severity: 'critical' })

describe('Alertmanager alerts', () => {
  it('puts identity in labels and prose in annotations', () => {
    const [a, ...rest] = alertmanagerAlerts(payloadOf(incident()), now, 3 * 3_600_000)
    expect(rest).toEqual([])
    expect(a!.labels).toEqual({
      alertname: 'container-crashloop',
      severity: 'critical',
      cluster: 'prod-eu',
      incident: 'inc-1',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'web',
      fingerprint: 'fp-web-crashloop',
      team: 'payments',
      env: 'prod',
      topology_kubernetes_io_region: 'eu-west-1',
    })
    expect(a!.annotations).toMatchObject({
      summary: 'Container restarts in a loop on prod-eu',
      description:
        'Deployment shop/web: Container app of Deployment shop/web restarts in a loop (42 restarts).',
      runbook_url: 'https://kubedac.example/runbooks/container-crashloop',
    })
    expect(a!.startsAt).toBe('2026-12-01T10:00:00.000Z')
    expect(a!.endsAt).toBe('2026-12-01T15:00:00.000Z')
  })

  it('ends the same identity at now on resolve', () => {
    const firing = alertmanagerAlerts(payloadOf(incident()), now, 1000)
    const ended = alertmanagerAlerts(payloadOf(resolved(), 'resolve'), now, 1000)
    expect(ended.map((a) => a.labels)).toEqual(firing.map((a) => a.labels))
    expect(ended[0]!.endsAt).toBe(now.toISOString())
  })

  it('on escalation ends the alert of the old severity and fires the new one', () => {
    const alerts = alertmanagerAlerts(
      payloadOf(incident({ openedSeverity: 'warning' }), 'escalate'),
      now,
      1000,
    )
    expect(alerts.map((a) => [a.labels.severity, a.endsAt])).toEqual([
      ['warning', now.toISOString()],
      ['critical', new Date(now.getTime() + 1000).toISOString()],
    ])
  })

  it('on an escalation whose opening severity is unknown, ends every lower severity', () => {
    const alerts = alertmanagerAlerts(payloadOf(incident({ escalated: true }), 'escalate'), now, 1000)
    expect(
      alerts.map((a) => [a.labels.severity, a.endsAt === now.toISOString() ? 'ended' : 'firing']),
    ).toEqual([
      ['warning', 'ended'],
      ['info', 'ended'],
      ['critical', 'firing'],
    ])
  })

  it('resolves every severity the incident fired at', () => {
    const p = payloadOf(
      incident({ state: 'resolved', openedSeverity: 'info', peakSeverity: 'critical' }),
      'resolve',
    )
    expect(alertmanagerAlerts(p, now, 1000).map((a) => a.labels.severity)).toEqual([
      'critical',
      'warning',
      'info',
    ])
  })

  it('labels a fleet incident by scope, without a cluster or an object', () => {
    const fleet = incident({
      id: 'fleet-1',
      cluster: null,
      clusters: ['prod-eu', 'prod-us'],
      detector: undefined,
      members: [finding({ cluster: 'prod-eu' }), finding({ cluster: 'prod-us' })],
    })
    const [a] = alertmanagerAlerts(payloadOf(fleet), now, 1000)
    expect(a!.labels).toEqual({
      alertname: 'KubedacIncident',
      severity: 'critical',
      incident: 'fleet-1',
      scope: 'fleet',
    })
    expect(a!.annotations.summary).toBe('Container restarts in a loop on 2 clusters (prod-eu, prod-us)')
    expect(a!.annotations.clusters).toBe('prod-eu, prod-us')
  })

  it('leaves object labels out when the findings name several objects', () => {
    const two = incident({
      members: [finding(), finding({ object: { kind: 'Pod', namespace: 'shop', name: 'x' } })],
    })
    const [a] = alertmanagerAlerts(payloadOf(two), now, 1000)
    expect(a!.labels).not.toHaveProperty('name')
    expect(a!.labels).not.toHaveProperty('fingerprint')
  })

  it('turns label keys into valid label names', () => {
    expect(labelName('app.kubernetes.io/team')).toBe('app_kubernetes_io_team')
    expect(labelName('9lives')).toBe('_9lives')
  })
})

describe('Slack messages', () => {
  it('has a header, fields, the findings and a context with the runbook link, and a text fallback', () => {
    const m = slackMessage(payloadOf(incident()), now)
    expect(m.text).toBe(':red_circle: CRITICAL: Container restarts in a loop (prod-eu)')
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context'])
    expect(m.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🚨 CRITICAL: Container restarts in a loop', emoji: true },
    })
    const fields = (m.blocks[1] as { fields: { text: string }[] }).fields.map((f) => f.text)
    expect(fields).toEqual(
      expect.arrayContaining([
        '*Cluster*\nprod-eu',
        '*Severity*\ncritical',
        '*Detector*\n`container-crashloop`',
        '*team*\npayments',
      ]),
    )
    const context = JSON.stringify(m.blocks.at(-1))
    expect(context).toContain('<https://kubedac.example/runbooks/container-crashloop|Runbook>')
  })

  it('reads differently on resolve: a check mark, how long it lasted, no findings list', () => {
    const m = slackMessage(payloadOf(resolved(), 'resolve'), now)
    expect(m.text).toBe(':white_check_mark: Resolved: Container restarts in a loop (prod-eu)')
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context'])
    expect(JSON.stringify(m.blocks[1])).toContain('*Lasted*\\n1h 30m')
  })

  it('escapes Slack markup in text from the cluster', () => {
    const m = slackMessage(
      payloadOf(incident({ members: [finding({ message: 'a <b> & <!channel>' })] })),
      now,
    )
    expect(JSON.stringify(m.blocks)).toContain('a &lt;b&gt; &amp; &lt;!channel&gt;')
    expect(JSON.stringify(m.blocks)).not.toContain('<!channel>')
  })

  it('keeps the header within Slack’s 150 characters', () => {
    const m = slackMessage(payloadOf(incident({ title: 'x'.repeat(400) })), now)
    expect((m.blocks[0] as { text: { text: string } }).text.text.length).toBe(150)
  })
})

describe('webhook bodies and signatures', () => {
  it('carries the event, the key, the incident and a findings summary', () => {
    const body = webhookBody({ key: 'hook:inc-1:open:1' }, payloadOf(incident()), now)
    expect(body).toMatchObject({
      version: 1,
      event: 'open',
      key: 'hook:inc-1:open:1',
      sentAt: now.toISOString(),
      severity: 'critical',
      labels: { team: 'payments' },
      incident: { id: 'inc-1', cluster: 'prod-eu', state: 'open', title: 'Container restarts in a loop' },
      findings: { total: 1, items: [{ fingerprint: 'fp-web-crashloop', detector: 'container-crashloop' }] },
    })
    expect(body.incident).not.toHaveProperty('members')
  })

  it('signs the raw body with HMAC-SHA256, and a changed body or secret does not verify', () => {
    const raw = JSON.stringify({ a: 1 })
    const sig = signWebhook('s3cret', raw)
    expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/)
    // The value computed independently: printf '{"a":1}' | openssl dgst -sha256 -hmac s3cret
    expect(sig).toBe('sha256=5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d')
    expect(verifyWebhookSignature('s3cret', raw, sig)).toBe(true)
    expect(verifyWebhookSignature('s3cret', JSON.stringify({ a: 2 }), sig)).toBe(false)
    expect(verifyWebhookSignature('other', raw, sig)).toBe(false)
    expect(verifyWebhookSignature('s3cret', raw, sig.slice(0, -1))).toBe(false)
    expect(verifyWebhookSignature('s3cret', raw, undefined)).toBe(false)
  })
})

describe('PagerDuty events', () => {
  it('triggers with the incident as dedup_key and a summary, severity, source and details', () => {
    const e = pagerdutyEvent(payloadOf(incident()), 'R0UTING', undefined)
    expect(e).toMatchObject({
      routing_key: 'R0UTING',
      event_action: 'trigger',
      dedup_key: 'inc-1',
      payload: {
        summary: 'Container restarts in a loop on prod-eu',
        source: 'prod-eu',
        severity: 'critical',
        timestamp: '2026-12-01T10:00:00.000Z',
        component: 'Deployment shop/web',
        group: 'prod-eu',
        class: 'container-crashloop',
        custom_details: { incident: 'inc-1', findings: 1, event: 'open' },
      },
      links: [{ href: 'https://kubedac.example/runbooks/container-crashloop', text: 'Runbook' }],
      client: 'kubedac',
    })
  })

  it('resolves with only the routing key, the action and the dedup_key', () => {
    expect(pagerdutyEvent(payloadOf(resolved(), 'resolve'), 'R0UTING')).toEqual({
      routing_key: 'R0UTING',
      event_action: 'resolve',
      dedup_key: 'inc-1',
    })
  })

  it('keeps dedup keys within PagerDuty’s 255 characters, stably', () => {
    const long = 'x'.repeat(300)
    expect(pagerdutyDedupKey(long)).toHaveLength('kubedac-'.length + 64)
    expect(pagerdutyDedupKey(long)).toBe(pagerdutyDedupKey(long))
  })
})

describe('reading payloads back', () => {
  it('names the first wrong field of a payload that is not ours', () => {
    expect(() => readPayload({ version: 1, event: 'open' })).toThrow(
      /malformed notification payload: severity/,
    )
    expect(() => readPayload('{"version":2}')).toThrow(/version/)
  })
})
