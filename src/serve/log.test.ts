import { describe, expect, it } from 'vitest'
import { createLogger, scrub } from './log.js'

describe('the JSON-lines logger', () => {
  it('writes one JSON object per line with time, level, message and fields', () => {
    const lines: string[] = []
    const log = createLogger({ write: (l) => lines.push(l), now: () => new Date('2026-01-01T00:00:00Z') })
    log.info('scan recorded', { cluster: 'a', findings: 3 })
    log.child({ component: 'api' }).warn('slow')
    log.debug('hidden')
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: '2026-01-01T00:00:00.000Z', level: 'info', msg: 'scan recorded', cluster: 'a', findings: 3 },
      { time: '2026-01-01T00:00:00.000Z', level: 'warn', msg: 'slow', component: 'api' },
    ])
    expect(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n'))).toBe(true)
  })

  it('never writes a value under a credential-looking key, at any depth', () => {
    const out = JSON.stringify(
      scrub({
        token: 'T1',
        headers: { Authorization: 'Bearer T2', accept: 'json' },
        receivers: [{ webhookUrl: 'https://hooks/T3', name: 'hook' }],
        databaseUrl: 'postgres://u:T4@h/db',
        password: 'T5',
        routingKey: 'T6',
      }),
    )
    for (const secret of ['T1', 'T2', 'T3', 'T4', 'T5', 'T6']) expect(out).not.toContain(secret)
    expect(out).toContain('"accept":"json"')
    expect(out).toContain('"name":"hook"')
  })

  it('renders errors as their message and code', () => {
    const e = Object.assign(new Error('boom'), { code: 'ECONNREFUSED' })
    expect(scrub({ error: e })).toEqual({ error: { message: 'boom', code: 'ECONNREFUSED' } })
  })
})
