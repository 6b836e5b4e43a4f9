import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../config/config.js'
import { parseDuration, parseNotifications } from './config.js'
import { parseRetryAfter, redactor, safeEndpoint } from './http.js'
import { createReceivers } from './receivers/index.js'

const yaml = `notifications:
  receivers:
    - name: am
      type: alertmanager
      url: http://127.0.0.1:9093
    - name: payments-slack
      type: slack
      urlEnv: SLACK_PAYMENTS_URL
    - name: audit
      type: webhook
      url: https://audit.example/hooks/kubedac
      secretEnv: KUBEDAC_WEBHOOK_SECRET
      headers:
        Authorization: { env: AUDIT_TOKEN }
    - name: payments-pd
      type: pagerduty
      routingKeyEnv: PD_PAYMENTS_KEY
  routes:
    - match: { team: payments, env: prod }
      receivers: [payments-pd]
      minSeverity: critical
      continue: true
    - match: { team: payments }
      receivers: [payments-slack]
  defaultReceivers: [am]
  resendInterval: 4h
`

const env = {
  SLACK_PAYMENTS_URL: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
  KUBEDAC_WEBHOOK_SECRET: 'whsec-1234',
  AUDIT_TOKEN: 'Bearer tok-5678',
  PD_PAYMENTS_KEY: 'R0UTINGKEY0123456789',
}

const configError = (text: string): string => {
  try {
    parseConfig(text, 'kubedac.yaml')
  } catch (e) {
    return (e as Error).message
  }
  throw new Error('expected an error')
}

describe('notifications config', () => {
  it('lives under notifications: in kubedac.yaml, with defaults and durations in ms', () => {
    const n = parseConfig(yaml, 'kubedac.yaml').notifications!
    expect(n.receivers.map((r) => r.name)).toEqual(['am', 'payments-slack', 'audit', 'payments-pd'])
    expect(n.resendInterval).toBe(4 * 3_600_000)
    expect(n.minSeverity).toBe('warning')
    expect(n.routes[1]).toEqual({
      match: { team: 'payments' },
      receivers: ['payments-slack'],
      continue: false,
    })
    expect(n.receivers[0]).toMatchObject({ type: 'alertmanager', refresh: 3_600_000 })
    expect(n.receivers[3]).toMatchObject({ url: 'https://events.pagerduty.com' })
    expect(n.delivery).toEqual({ maxAttempts: 12, initialBackoff: 10_000, maxBackoff: 3_600_000 })
  })

  it('names the file and the field of each mistake', () => {
    expect(configError('notifications:\n  receivers: [{ name: x, type: teams, url: "http://a" }]\n')).toMatch(
      /^invalid configuration: kubedac\.yaml: notifications\.receivers\.0\.type: /,
    )
    expect(configError('notifications:\n  routes: [{ receivers: [nope] }]\n')).toContain(
      'notifications.routes.0.receivers.0: unknown receiver "nope" (known: none)',
    )
    expect(configError('notifications:\n  resendInterval: soon\n')).toContain(
      'notifications.resendInterval: expected a duration such as 30s, 5m, 4h or 1h30m',
    )
    expect(
      configError(
        'notifications:\n  receivers:\n    - { name: a, type: webhook, url: "http://a" }\n    - { name: a, type: webhook, url: "http://b" }\n',
      ),
    ).toContain('notifications.receivers.1.name: duplicate receiver name "a"')
    expect(configError('notifications:\n  receivers: [{ name: s, type: slack }]\n')).toContain(
      'notifications.receivers.0.url: a slack receiver needs exactly one of url and urlEnv',
    )
    expect(configError('notifications:\n  defaultReceivers: [ghost]\n')).toContain(
      'notifications.defaultReceivers.0: unknown receiver "ghost"',
    )
  })

  it('refuses a secret written into the config, and says where it goes, without echoing it', () => {
    const msg = configError(
      'notifications:\n  receivers: [{ name: h, type: webhook, url: "http://a", secret: hunter2hunter2 }]\n',
    )
    expect(msg).toContain('notifications.receivers.0.secret: secrets are not written in the config')
    expect(msg).toContain('secretEnv')
    expect(msg).not.toContain('hunter2')
    expect(
      configError(
        'notifications:\n  receivers: [{ name: p, type: pagerduty, routingKey: abcd, routingKeyEnv: PD }]\n',
      ),
    ).toContain('notifications.receivers.0.routingKey: secrets are not written in the config')
  })

  it('accepts the example in docs/notifications.md, and builds its receivers', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/notifications.md'), 'utf8')
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!
    const n = parseConfig(example, 'docs/notifications.md').notifications!
    expect(n.receivers).toHaveLength(4)
    const vars = [
      'SLACK_PAYMENTS_WEBHOOK',
      'KUBEDAC_WEBHOOK_SECRET',
      'AUDIT_TOKEN',
      'PD_PAYMENTS_ROUTING_KEY',
    ]
    const env = Object.fromEntries(
      vars.map((v) => [v, v === 'SLACK_PAYMENTS_WEBHOOK' ? 'https://hooks.slack.test/x' : 'x'.repeat(8)]),
    )
    expect([...createReceivers(n, env).keys()]).toEqual([
      'alertmanager',
      'payments-slack',
      'audit',
      'payments-pagerduty',
    ])
  })

  it('parses durations', () => {
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('2d')).toBe(172_800_000)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration('4')).toBeUndefined()
    expect(parseDuration('0s')).toBeUndefined()
    expect(parseDuration('4 h')).toBeUndefined()
  })
})

describe('building receivers from the config and the environment', () => {
  const config = parseConfig(yaml, 'kubedac.yaml').notifications!

  it('reads each secret from the variable the config names', () => {
    const rs = createReceivers(config, env)
    expect([...rs.values()].map((r) => [r.name, r.type])).toEqual([
      ['am', 'alertmanager'],
      ['payments-slack', 'slack'],
      ['audit', 'webhook'],
      ['payments-pd', 'pagerduty'],
    ])
    // Each receiver knows its secrets, to take them out of any text.
    expect(rs.get('payments-pd')!.redact(`key ${env.PD_PAYMENTS_KEY}`)).toBe('key [redacted]')
    expect(rs.get('audit')!.redact(`${env.KUBEDAC_WEBHOOK_SECRET} ${env.AUDIT_TOKEN}`)).toBe(
      '[redacted] [redacted]',
    )
    expect(rs.get('payments-slack')!.redact(`POST ${env.SLACK_PAYMENTS_URL} failed`)).toBe(
      'POST [redacted] failed',
    )
  })

  it('names the receiver and the variable when one is not set', () => {
    expect(() => createReceivers(config, { ...env, PD_PAYMENTS_KEY: undefined })).toThrow(
      'invalid configuration: notifications.receivers.3 (payments-pd): environment variable PD_PAYMENTS_KEY (the routing key) is not set',
    )
    expect(() => createReceivers(config, { ...env, AUDIT_TOKEN: '' })).toThrow(
      /AUDIT_TOKEN \(header Authorization\)/,
    )
  })

  it('refuses a Slack URL variable that holds no URL, without printing it', () => {
    let msg = ''
    try {
      createReceivers(config, { ...env, SLACK_PAYMENTS_URL: 'not-a-url-secret' })
    } catch (e) {
      msg = (e as Error).message
    }
    expect(msg).toContain('SLACK_PAYMENTS_URL does not hold an http(s) URL')
    expect(msg).not.toContain('not-a-url-secret')
  })

  it('accepts settings given as data', () => {
    expect(parseNotifications(undefined)).toMatchObject({ receivers: [], routes: [], defaultReceivers: [] })
  })
})

describe('HTTP helpers', () => {
  it('reads Retry-After as seconds or as a date', () => {
    const now = new Date('2026-12-01T12:00:00Z')
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('Tue, 01 Dec 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Tue, 01 Dec 2026 11:00:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it('shows only the origin of a URL whose path or query may be secret', () => {
    expect(safeEndpoint('https://hooks.slack.com/services/T/B/SECRET')).toBe('https://hooks.slack.com/…')
    expect(safeEndpoint('https://x.example/?token=abc')).toBe('https://x.example/…')
    expect(safeEndpoint('http://127.0.0.1:9093')).toBe('http://127.0.0.1:9093')
  })

  it('redacts secrets and their URL-encoded forms, longest first', () => {
    const r = redactor(['a/b c', 'a/b c/d', undefined, 'xy'])
    expect(r('1 a/b c/d 2 a%2Fb%20c 3 xy')).toBe('1 [redacted] 2 [redacted] 3 xy')
  })
})
