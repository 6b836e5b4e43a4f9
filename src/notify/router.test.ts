import { describe, expect, it } from 'vitest'
import { finding, incident, notifyConfig } from '../../test/support/notify.js'
import { memoryOutbox } from '../../test/support/memory-outbox.js'
import type { NotificationsInput } from './config.js'
import { PAYLOAD_MEMBER_LIMIT, planNotifications, routeCluster } from './router.js'

const input: NotificationsInput = {
  receivers: [
    { name: 'pd-payments', type: 'pagerduty', routingKeyEnv: 'PD_KEY' },
    { name: 'slack-payments', type: 'slack', urlEnv: 'SLACK_PAYMENTS' },
    { name: 'slack-search', type: 'slack', urlEnv: 'SLACK_SEARCH' },
    { name: 'slack-platform', type: 'slack', urlEnv: 'SLACK_PLATFORM' },
    { name: 'audit', type: 'webhook', url: 'http://127.0.0.1:1/audit' },
    { name: 'am', type: 'alertmanager', url: 'http://127.0.0.1:1', refresh: '1h' },
  ],
  routes: [
    { match: {}, receivers: ['audit'], continue: true, minSeverity: 'info' },
    {
      match: { team: 'payments', env: 'prod' },
      receivers: ['pd-payments'],
      minSeverity: 'critical',
      continue: true,
    },
    { match: { team: 'payments' }, receivers: ['slack-payments'] },
    { match: { team: ['search', 'discovery'] }, receivers: ['slack-search'] },
    { match: { cluster: 'lab-*' }, receivers: ['slack-platform'], minSeverity: 'info' },
  ],
  defaultReceivers: ['slack-platform'],
  resendInterval: '4h',
}
const config = notifyConfig(input)
// The same without the catch-all audit route.
const noAudit = notifyConfig({ ...input, routes: input.routes!.slice(1) })

const labels = {
  'prod-eu': { team: 'payments', env: 'prod' },
  'stage-eu': { team: 'payments', env: 'stage' },
  'search-1': { team: 'search', env: 'prod' },
  'disco-1': { team: 'discovery', env: 'prod' },
  'lab-7': {},
  'misc-1': { team: 'data' },
}

describe('routing by cluster labels', () => {
  it('sends a critical on a prod payments cluster to PagerDuty and the team channel (continue keeps going)', () => {
    expect(routeCluster('prod-eu', labels['prod-eu'], 'critical', config)).toEqual([
      'audit',
      'pd-payments',
      'slack-payments',
    ])
  })

  it('does not page for a warning: the PagerDuty route needs critical, so the next route takes it', () => {
    expect(routeCluster('prod-eu', labels['prod-eu'], 'warning', config)).toEqual(['audit', 'slack-payments'])
  })

  it('does not page for staging: a route matches only when every label matches', () => {
    expect(routeCluster('stage-eu', labels['stage-eu'], 'critical', config)).toEqual([
      'audit',
      'slack-payments',
    ])
  })

  it('matches any value of a list, and a glob on the cluster name', () => {
    expect(routeCluster('disco-1', labels['disco-1'], 'warning', config)).toEqual(['audit', 'slack-search'])
    expect(routeCluster('lab-7', {}, 'info', config)).toEqual(['audit', 'slack-platform'])
  })

  it('falls back to the default receivers only when no route matched (a matching continue route counts as a match)', () => {
    expect(routeCluster('misc-1', labels['misc-1'], 'warning', noAudit)).toEqual(['slack-platform'])
    expect(routeCluster('misc-1', labels['misc-1'], 'warning', config)).toEqual(['audit'])
  })

  it('never notifies below the minimum severity (default warning) unless a route lowers it', () => {
    expect(routeCluster('misc-1', labels['misc-1'], 'info', config)).toEqual(['audit'])
    expect(routeCluster('misc-1', labels['misc-1'], 'info', noAudit)).toEqual([])
  })

  it('a label of the cluster named "cluster" wins over the cluster name', () => {
    const c = notifyConfig({
      receivers: [{ name: 'x', type: 'webhook', url: 'http://127.0.0.1:1' }],
      routes: [{ match: { cluster: 'blue' }, receivers: ['x'] }],
    })
    expect(routeCluster('blue', { cluster: 'green' }, 'critical', c)).toEqual([])
    expect(routeCluster('green', { cluster: 'blue' }, 'critical', c)).toEqual(['x'])
  })
})

const at = (iso: string) => new Date(iso)
const keys = (ms: { key: string }[]) => ms.map((m) => m.key).sort()

describe('planning notifications', () => {
  const now = at('2026-12-01T10:05:00Z')
  const epoch = at('2026-12-01T10:00:00Z').getTime()

  it('plans one open per routed receiver, keyed by receiver, incident, event and opening time', () => {
    const plan = planNotifications([incident()], labels, config, now)
    expect(keys(plan)).toEqual([
      `audit:inc-1:open:${epoch}`,
      `pd-payments:inc-1:open:${epoch}`,
      `slack-payments:inc-1:open:${epoch}`,
    ])
    expect(plan[0]).toMatchObject({ event: 'open', incidentId: 'inc-1' })
    expect(plan[0]!.payload).toMatchObject({
      version: 1,
      event: 'open',
      severity: 'critical',
      labels: { team: 'payments', env: 'prod' },
      incident: { id: 'inc-1', cluster: 'prod-eu', openedAt: '2026-12-01T10:00:00.000Z', memberCount: 1 },
    })
  })

  it('enqueues nothing new when the same scan is planned again, later in the same period', async () => {
    const outbox = memoryOutbox()
    const incs = [incident(), incident({ id: 'inc-2', cluster: 'search-1', severity: 'warning' })]
    expect(await outbox.enqueue(planNotifications(incs, labels, config, now), now)).toBe(5)
    const later = at('2026-12-01T13:59:00Z')
    expect(await outbox.enqueue(planNotifications(incs, labels, config, later), later)).toBe(0)
  })

  it('plans an escalation once per opening and peak, routed at the new severity, after the opening at the old one', () => {
    const escalated = incident({ openedSeverity: 'warning', severity: 'critical' })
    const plan = planNotifications([escalated], labels, config, now)
    expect(keys(plan.filter((m) => m.event === 'open'))).toEqual([
      `audit:inc-1:open:${epoch}`,
      `slack-payments:inc-1:open:${epoch}`,
    ])
    const esc = plan.filter((m) => m.event === 'escalate')
    expect(keys(esc)).toEqual([
      `audit:inc-1:escalate:${epoch}:critical`,
      `pd-payments:inc-1:escalate:${epoch}:critical`,
      `slack-payments:inc-1:escalate:${epoch}:critical`,
    ])
    expect(esc[0]!.payload).toMatchObject({ severity: 'critical', previousSeverity: 'warning' })
    expect(plan.find((m) => m.event === 'open')!.payload.severity).toBe('warning')
  })

  it('does not escalate again when the severity falls back and rises to a peak already notified', () => {
    const first = planNotifications(
      [incident({ openedSeverity: 'warning', severity: 'critical' })],
      labels,
      config,
      now,
    )
    const dropped = incident({ openedSeverity: 'warning', peakSeverity: 'critical', severity: 'warning' })
    const again = planNotifications([dropped], labels, config, now)
    expect(keys(again).every((k) => keys(first).includes(k))).toBe(true)
  })

  it('gives a reopened incident (a new opening time) new keys', () => {
    const reopenedAt = at('2026-12-02T08:00:00Z')
    const a = planNotifications([incident()], labels, config, now)
    const b = planNotifications([incident({ openedAt: reopenedAt })], labels, config, reopenedAt)
    expect(keys(b).some((k) => keys(a).includes(k))).toBe(false)
    expect(keys(b)).toContain(`pd-payments:inc-1:open:${reopenedAt.getTime()}`)
  })

  it('resolves once per opening, to every receiver routed at any severity it had, and plans no open for it', () => {
    const resolved = incident({
      state: 'resolved',
      openedSeverity: 'warning',
      peakSeverity: 'critical',
      severity: 'warning',
      resolvedAt: at('2026-12-01T11:00:00Z'),
    })
    const plan = planNotifications([resolved], labels, config, at('2026-12-01T11:00:00Z'))
    expect(plan.every((m) => m.event === 'resolve')).toBe(true)
    expect(keys(plan)).toEqual([
      `audit:inc-1:resolve:${epoch}`,
      `pd-payments:inc-1:resolve:${epoch}`,
      `slack-payments:inc-1:resolve:${epoch}`,
    ])
    expect(plan[0]!.payload).toMatchObject({
      severity: 'critical',
      incident: { state: 'resolved', resolvedAt: '2026-12-01T11:00:00.000Z' },
    })
  })

  it('plans no open again for an incident already notified, and escalates only above the severity notified', () => {
    const told = incident({ openedSeverity: 'warning', notifiedSeverity: 'warning', severity: 'critical' })
    const plan = planNotifications([told], labels, config, now)
    expect(plan.map((m) => m.event)).toEqual(['escalate', 'escalate', 'escalate'])
    expect(plan[0]!.payload).toMatchObject({ severity: 'critical', previousSeverity: 'warning' })
    const all = incident({ openedSeverity: 'warning', notifiedSeverity: 'critical', severity: 'critical' })
    expect(planNotifications([all], labels, config, now)).toEqual([])
  })

  it('resolves to the receivers of the severities notified, not of a peak nobody was told of', () => {
    const resolved = (notifiedSeverity: 'warning' | 'critical') =>
      incident({
        state: 'resolved',
        openedSeverity: 'warning',
        notifiedSeverity,
        peakSeverity: 'critical',
        severity: 'warning',
        resolvedAt: at('2026-12-01T11:00:00Z'),
      })
    const later = at('2026-12-01T11:00:00Z')
    expect(keys(planNotifications([resolved('warning')], labels, config, later))).toEqual([
      `audit:inc-1:resolve:${epoch}`,
      `slack-payments:inc-1:resolve:${epoch}`,
    ])
    expect(keys(planNotifications([resolved('critical')], labels, config, later))).toEqual([
      `audit:inc-1:resolve:${epoch}`,
      `pd-payments:inc-1:resolve:${epoch}`,
      `slack-payments:inc-1:resolve:${epoch}`,
    ])
  })

  it('resends a critical still open every resend interval after opening, once per period, and not before', () => {
    const resends = (iso: string) =>
      keys(planNotifications([incident()], labels, config, at(iso)).filter((m) => m.event === 'resend'))
    expect(resends('2026-12-01T13:59:59Z')).toEqual([])
    expect(resends('2026-12-01T14:00:00Z')).toEqual([
      `audit:inc-1:resend:${epoch}:1`,
      `pd-payments:inc-1:resend:${epoch}:1`,
      `slack-payments:inc-1:resend:${epoch}:1`,
    ])
    expect(resends('2026-12-01T17:59:00Z')).toEqual(resends('2026-12-01T14:00:00Z'))
    expect(resends('2026-12-01T18:30:00Z')).toContain(`pd-payments:inc-1:resend:${epoch}:2`)
    const [m] = planNotifications([incident()], labels, config, at('2026-12-01T18:30:00Z')).filter(
      (x) => x.event === 'resend',
    )
    expect(m!.payload).toMatchObject({ event: 'resend', sequence: 2, severity: 'critical' })
  })

  it('does not resend warnings', () => {
    const plan = planNotifications(
      [incident({ severity: 'warning' })],
      labels,
      config,
      at('2026-12-02T10:00:00Z'),
    )
    expect(plan.filter((m) => m.event === 'resend')).toEqual([])
  })

  it('refreshes open incidents on Alertmanager receivers every refresh period, whatever the severity, and never resends to them', () => {
    const c = notifyConfig({
      receivers: [{ name: 'am', type: 'alertmanager', url: 'http://127.0.0.1:1', refresh: '1h' }],
      defaultReceivers: ['am'],
      resendInterval: '4h',
    })
    const plan = (sev: 'warning' | 'critical', iso: string) =>
      keys(planNotifications([incident({ severity: sev })], labels, c, at(iso)))
    expect(plan('warning', '2026-12-01T10:59:00Z')).toEqual([`am:inc-1:open:${epoch}`])
    expect(plan('warning', '2026-12-01T11:00:00Z')).toEqual([
      `am:inc-1:open:${epoch}`,
      `am:inc-1:resend:${epoch}:refresh:1`,
    ])
    expect(plan('critical', '2026-12-01T14:30:00Z')).toEqual([
      `am:inc-1:open:${epoch}`,
      `am:inc-1:resend:${epoch}:refresh:4`,
    ])
  })

  it('routes a fleet incident once per cluster and sends it to the union of their receivers', () => {
    const fleet = incident({
      id: 'fleet-1',
      cluster: null,
      clusters: ['prod-eu', 'search-1', 'misc-1'],
      severity: 'warning',
      members: [
        finding({ cluster: 'prod-eu' }),
        finding({ cluster: 'search-1' }),
        finding({ cluster: 'misc-1' }),
      ],
    })
    const plan = planNotifications([fleet], labels, config, now)
    expect(plan.map((m) => m.receiver).sort()).toEqual(['audit', 'slack-payments', 'slack-search'])
    // Labels the clusters share: env differs (prod, prod, none) and team differs, so none.
    expect(plan[0]!.payload.labels).toEqual({})
    const twoProd = planNotifications([{ ...fleet, clusters: ['search-1', 'disco-1'] }], labels, config, now)
    expect(twoProd[0]!.payload.labels).toEqual({ env: 'prod' })
  })

  it('plans nothing for a silenced incident, and the missed opening once the silence ends', () => {
    expect(planNotifications([incident({ silenced: true })], labels, config, now)).toEqual([])
    expect(keys(planNotifications([incident()], labels, config, now))).toContain(
      `pd-payments:inc-1:open:${epoch}`,
    )
  })

  it('still resolves a silenced incident, but not on Slack: a page sent before the silence is closed, nobody is told', () => {
    const plan = planNotifications([incident({ silenced: true, state: 'resolved' })], labels, config, now)
    expect(keys(plan)).toEqual([`audit:inc-1:resolve:${epoch}`, `pd-payments:inc-1:resolve:${epoch}`])
  })

  it('takes an incident whose opening severity is unknown to have opened at its peak: no escalation', () => {
    const plan = planNotifications(
      [incident({ severity: 'warning', peakSeverity: 'critical' })],
      labels,
      config,
      now,
    )
    expect(plan.filter((m) => m.event === 'escalate')).toEqual([])
    expect(keys(plan)).toContain(`pd-payments:inc-1:open:${epoch}`)
  })

  it('escalates on the hint of the scan that raised it when the opening severity is unknown', () => {
    const plan = planNotifications([incident({ escalated: true })], labels, config, now)
    const esc = plan.filter((m) => m.event === 'escalate')
    expect(keys(esc)).toEqual([
      `audit:inc-1:escalate:${epoch}:critical`,
      `pd-payments:inc-1:escalate:${epoch}:critical`,
      `slack-payments:inc-1:escalate:${epoch}:critical`,
    ])
    expect(esc[0]!.payload.previousSeverity).toBeUndefined()
    // The same keys as when the opening severity is known: planning either way adds nothing twice.
    const exact = planNotifications([incident({ openedSeverity: 'warning' })], labels, config, now)
    expect(keys(plan)).toEqual(keys(exact))
  })

  it('looks cluster labels up through a function as well as a record', () => {
    const viaFn = planNotifications([incident()], (c) => labels[c as keyof typeof labels], config, now)
    expect(keys(viaFn)).toEqual(keys(planNotifications([incident()], labels, config, now)))
  })

  it('caps the listed findings, most severe first, and keeps the full count', () => {
    const members = Array.from({ length: 50 }, (_, i) =>
      finding({
        fingerprint: `fp-${i}`,
        severity: i === 49 ? 'critical' : 'warning',
        object: { kind: 'Pod', namespace: 'shop', name: `web-${i}` },
      }),
    )
    const [m] = planNotifications([incident({ members })], labels, config, now)
    expect(m!.payload.incident.memberCount).toBe(50)
    expect(m!.payload.incident.members).toHaveLength(PAYLOAD_MEMBER_LIMIT)
    expect(m!.payload.incident.members[0]!.fingerprint).toBe('fp-49')
  })
})
