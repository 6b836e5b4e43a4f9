import { describe, expect, it } from 'vitest'
import { conditionList, containerStatus, pod } from './fixtures.js'
import {
  nthPreviousFire,
  parseCron,
  parseGoDuration,
  previousFire,
  summarizeProblems,
  wallClock,
  type CronSchedule,
} from './pods-workloads.js'

const at = (s: string) => Date.parse(s)
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

function cron(text: string): Extract<CronSchedule, { kind: 'cron' }> {
  const p = parseCron(text)
  if (!p.ok) throw new Error(p.error)
  if (p.schedule.kind !== 'cron') throw new Error('not a cron schedule')
  return p.schedule
}

describe('parseCron', () => {
  it('reads the five fields with lists, ranges, steps and names', () => {
    const s = cron('*/15 9-17 1,15 JAN-mar mon-FRI')
    expect(s.minutes.flatMap((v, i) => (v ? [i] : []))).toEqual([0, 15, 30, 45])
    expect(s.hours.flatMap((v, i) => (v ? [i] : []))).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17])
    expect(s.dom.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 15])
    expect(s.months.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 2, 3])
    expect(s.dow.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 2, 3, 4, 5])
    expect(s.dayStar).toBe(false)
  })

  it('reads N/step as N-max/step and a-b/step within the range', () => {
    expect(cron('5/20 * * * *').minutes.flatMap((v, i) => (v ? [i] : []))).toEqual([5, 25, 45])
    expect(cron('0 1-10/3 * * *').hours.flatMap((v, i) => (v ? [i] : []))).toEqual([1, 4, 7, 10])
  })

  it('expands the descriptors', () => {
    expect(cron('@hourly').minutes[0]).toBe(true)
    expect(cron('@daily').hours.filter(Boolean)).toHaveLength(1)
    expect(cron('@weekly').dow.flatMap((v, i) => (v ? [i] : []))).toEqual([0])
    expect(cron('@monthly').dom.flatMap((v, i) => (v ? [i] : []))).toEqual([1])
    expect(cron('@yearly').months.flatMap((v, i) => (v ? [i] : []))).toEqual([1])
    expect(parseCron('@every 1h30m')).toEqual({ ok: true, schedule: { kind: 'every', ms: 5_400_000 } })
  })

  it('takes a CRON_TZ or TZ prefix as the zone', () => {
    expect(cron('CRON_TZ=Europe/Paris 0 5 * * *').zone).toBe('Europe/Paris')
    expect(cron('TZ=UTC 0 5 * * *').zone).toBe('UTC')
  })

  it('refuses what the controller refuses, saying why', () => {
    for (const [text, why] of [
      ['* * * *', /expected 5 fields/],
      ['* * * * * *', /found 6/],
      ['60 * * * *', /above the maximum 59/],
      ['0 24 * * *', /hour: 24/],
      ['0 0 0 * *', /below the minimum 1/],
      ['0 0 * * 7', /above the maximum 6/],
      ['0 0 * 13 *', /month: 13/],
      ['*/0 * * * *', /positive/],
      ['10-5 * * * *', /backwards/],
      ['a * * * *', /not a number/],
      ['0 0 L * *', /not a number/],
      ['1-2-3 * * * *', /hyphens/],
      ['@sometimes', /unknown descriptor/],
      ['@every soon', /not a duration/],
      ['', /empty/],
    ] as const) {
      const p = parseCron(text)
      expect(p.ok, text).toBe(false)
      if (!p.ok) expect(p.error, text).toMatch(why)
    }
    expect(parseCron(42).ok).toBe(false)
  })
})

describe('previousFire', () => {
  it('finds the latest fire time at or before an instant', () => {
    const s = cron('30 2 * * *')
    expect(iso(previousFire(s, at('2026-03-01T12:00:00Z')))).toBe('2026-03-01T02:30:00.000Z')
    expect(iso(previousFire(s, at('2026-03-01T02:30:00Z')))).toBe('2026-03-01T02:30:00.000Z')
    expect(iso(previousFire(s, at('2026-03-01T02:29:59Z')))).toBe('2026-02-28T02:30:00.000Z')
  })

  it('steps back across months and years', () => {
    expect(iso(previousFire(cron('0 0 31 * *'), at('2026-03-01T00:00:00Z')))).toBe('2026-01-31T00:00:00.000Z')
    expect(iso(previousFire(cron('@yearly'), at('2026-03-01T00:00:00Z')))).toBe('2026-01-01T00:00:00.000Z')
    expect(iso(previousFire(cron('0 0 29 2 *'), at('2026-03-01T00:00:00Z')))).toBe('2024-02-29T00:00:00.000Z')
  })

  it('matches either day field when both are restricted, both when one is a star', () => {
    // 2026-03-01 is a Sunday.
    expect(iso(previousFire(cron('0 0 13 * 5'), at('2026-03-01T12:00:00Z')))).toBe('2026-02-27T00:00:00.000Z')
    expect(iso(previousFire(cron('0 0 * * 5'), at('2026-03-01T12:00:00Z')))).toBe('2026-02-27T00:00:00.000Z')
    expect(iso(previousFire(cron('0 9 * * 1-5'), at('2026-03-01T12:00:00Z')))).toBe(
      '2026-02-27T09:00:00.000Z',
    )
    // a stepped star restricts: */2 on day-of-month with a weekday means "either"
    expect(iso(previousFire(cron('0 0 */2 * 0'), at('2026-03-01T12:00:00Z')))).toBe(
      '2026-03-01T00:00:00.000Z',
    )
  })

  it('gives up on a date that never comes', () => {
    expect(previousFire(cron('0 0 30 2 *'), at('2026-03-01T00:00:00Z'))).toBeUndefined()
  })
})

describe('nthPreviousFire', () => {
  it('counts back n fire times', () => {
    const s = cron('@hourly')
    expect(iso(nthPreviousFire(s, at('2026-03-01T12:10:00Z'), 1))).toBe('2026-03-01T12:00:00.000Z')
    expect(iso(nthPreviousFire(s, at('2026-03-01T12:10:00Z'), 2))).toBe('2026-03-01T11:00:00.000Z')
    expect(iso(nthPreviousFire(s, at('2026-03-01T12:10:00Z'), 3))).toBe('2026-03-01T10:00:00.000Z')
  })

  it('spans a weekend for a weekday schedule', () => {
    const s = cron('0 9 * * MON-FRI')
    expect(iso(nthPreviousFire(s, at('2026-03-02T10:00:00Z'), 2))).toBe('2026-02-27T09:00:00.000Z')
  })

  it('uses the fixed interval of @every', () => {
    const p = parseCron('@every 30m')
    if (!p.ok) throw new Error(p.error)
    expect(iso(nthPreviousFire(p.schedule, at('2026-03-01T12:00:00Z'), 2))).toBe('2026-03-01T11:00:00.000Z')
  })
})

describe('wallClock and parseGoDuration', () => {
  it('writes an instant as local time in a zone', () => {
    expect(iso(wallClock(at('2026-01-15T12:00:00Z'), 'Europe/Paris'))).toBe('2026-01-15T13:00:00.000Z')
    expect(iso(wallClock(at('2026-07-15T12:00:00Z'), 'Europe/Paris'))).toBe('2026-07-15T14:00:00.000Z')
    expect(iso(wallClock(at('2026-01-15T12:00:00Z'), undefined))).toBe('2026-01-15T12:00:00.000Z')
  })

  it('reads Go durations', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000)
    expect(parseGoDuration('1.5h')).toBe(5_400_000)
    expect(parseGoDuration('250ms')).toBe(250)
    expect(parseGoDuration('7d')).toBeUndefined()
    expect(parseGoDuration('')).toBeUndefined()
  })
})

describe('summarizeProblems', () => {
  it('says why pods are not available, most common first', () => {
    const crash = () =>
      pod('a', { status: { containerStatuses: [containerStatus('app', { waiting: 'CrashLoopBackOff' })] } })
    const unschedulable = pod('b', {
      phase: 'Pending',
      status: { conditions: conditionList({ PodScheduled: ['False', 'Unschedulable'] }) },
    })
    const init = pod('c', {
      phase: 'Pending',
      status: {
        conditions: conditionList({
          PodScheduled: ['True'],
          Initialized: ['False', 'ContainersNotInitialized'],
        }),
        initContainerStatuses: [containerStatus('wait-for-db', { running: '2026-03-01T00:00:00Z' })],
        containerStatuses: [containerStatus('app', { waiting: 'PodInitializing' })],
      },
    })
    const deleting = pod('d')
    deleting.metadata.deletionTimestamp = '2026-03-01T00:00:00Z'
    expect(summarizeProblems([crash(), unschedulable, crash(), init, deleting])).toBe(
      '2 CrashLoopBackOff, 1 Pending (Unschedulable), 1 Init (wait-for-db running), 1 Terminating',
    )
  })
})
