import { defineCases } from '../detect/cases.js'
import detector from './cronjob-not-running.js'
import { cronJob } from './lib/pods-workloads.js'

// A Monday.
const NOW = '2026-03-02T12:00:00Z'

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on an hourly CronJob that succeeded this hour',
      now: NOW,
      objects: [
        cronJob('sync', '0 * * * *', {
          status: { lastScheduleTime: '2026-03-02T12:00:00Z', lastSuccessfulTime: '2026-03-02T11:02:00Z' },
        }),
      ],
    },
    {
      name: 'does not fire yet when a daily job missed only its last run',
      now: NOW,
      objects: [
        cronJob('backup', '0 2 * * *', {
          status: { lastScheduleTime: '2026-03-02T02:00:00Z', lastSuccessfulTime: '2026-03-01T02:05:00Z' },
        }),
      ],
    },
    {
      name: 'does not count the weekend against a weekday schedule',
      now: NOW,
      objects: [
        cronJob('report', '0 9 * * MON-FRI', {
          status: {
            lastScheduleTime: '2026-03-02T09:00:00Z',
            lastSuccessfulTime: '2026-02-27T09:03:00Z',
            active: [{ kind: 'Job', name: 'report-29541960', namespace: 'default' }],
          },
        }),
      ],
    },
    {
      name: 'does not fire on a suspended CronJob (workload-paused-or-suspended reports it)',
      now: NOW,
      objects: [
        cronJob('backup', '0 2 * * *', {
          spec: { suspend: true },
          status: { lastScheduleTime: '2026-02-01T02:00:00Z', lastSuccessfulTime: '2026-02-01T02:05:00Z' },
        }),
      ],
    },
    {
      name: 'does not judge the history of a manifest without status',
      now: NOW,
      objects: [cronJob('backup', '@daily', { status: null })],
    },
    {
      name: 'does not fire on a CronJob created after its last two scheduled times',
      now: NOW,
      objects: [cronJob('backup', '0 2 * * *', { created: '2026-03-02T01:00:00Z' })],
    },
    {
      name: 'does not fire on a job running every minute that failed for ten minutes (minStale)',
      now: NOW,
      objects: [
        cronJob('poll', '* * * * *', {
          status: { lastScheduleTime: '2026-03-02T12:00:00Z', lastSuccessfulTime: '2026-03-02T11:50:30Z' },
        }),
      ],
    },
    {
      name: 'reads the schedule in spec.timeZone',
      now: NOW,
      objects: [
        cronJob('tokyo', '0 20 * * *', {
          spec: { timeZone: 'Asia/Tokyo' },
          status: { lastScheduleTime: '2026-03-02T11:00:00Z', lastSuccessfulTime: '2026-03-01T11:05:00Z' },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the Jobs of an hourly CronJob have failed for four hours',
      now: NOW,
      objects: [
        cronJob('sync', '0 * * * *', {
          status: { lastScheduleTime: '2026-03-02T12:00:00Z', lastSuccessfulTime: '2026-03-02T08:02:00Z' },
        }),
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'sync' },
          messageId: 'notSucceeding',
          data: { for: '3h58m', schedule: '0 * * * *', missed: 2 },
        },
      ],
    },
    {
      name: 'fires when no Job has been started for three days',
      now: NOW,
      objects: [
        cronJob('backup', '0 2 * * *', {
          status: { lastScheduleTime: '2026-02-27T02:00:00Z', lastSuccessfulTime: '2026-02-27T02:05:00Z' },
        }),
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'backup' },
          messageId: 'notScheduled',
          data: { for: '3d10h' },
        },
      ],
    },
    {
      name: 'names the still-running Job that blocks a Forbid CronJob',
      now: NOW,
      objects: [
        cronJob('report', '@hourly', {
          spec: { concurrencyPolicy: 'Forbid' },
          status: {
            lastScheduleTime: '2026-03-02T08:00:00Z',
            lastSuccessfulTime: '2026-03-02T07:10:00Z',
            active: [{ kind: 'Job', name: 'report-29541960', namespace: 'default' }],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'report' },
          messageId: 'blockedByActive',
          data: { job: 'report-29541960', for: '4h' },
        },
      ],
    },
    {
      name: 'fires on a CronJob that never started a Job in a month',
      now: NOW,
      objects: [cronJob('cleanup', '30 3 * * *', { created: '2026-02-01T00:00:00Z' })],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'cleanup' },
          messageId: 'neverRan',
          data: { for: '29d12h' },
        },
      ],
    },
    {
      name: 'fires when a weekday job missed Friday and Monday',
      now: NOW,
      objects: [
        cronJob('report', '0 9 * * 1-5', {
          status: { lastScheduleTime: '2026-03-02T09:00:00Z', lastSuccessfulTime: '2026-02-26T09:04:00Z' },
        }),
      ],
      findings: [
        { object: { kind: 'CronJob', namespace: 'default', name: 'report' }, messageId: 'notSucceeding' },
      ],
    },
    {
      name: 'honours spec.timeZone: the last two runs in Los Angeles time did not succeed',
      now: NOW,
      objects: [
        cronJob('la', '0 1 * * *', {
          spec: { timeZone: 'America/Los_Angeles' },
          status: { lastScheduleTime: '2026-03-02T09:00:00Z', lastSuccessfulTime: '2026-03-01T08:00:00Z' },
        }),
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'la' },
          messageId: 'notSucceeding',
          data: { for: '1d4h' },
        },
      ],
    },
    {
      name: 'fires on an @every schedule two intervals late',
      now: NOW,
      objects: [
        cronJob('tick', '@every 30m', {
          status: { lastScheduleTime: '2026-03-02T11:30:00Z', lastSuccessfulTime: '2026-03-02T10:00:00Z' },
        }),
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'tick' },
          messageId: 'notSucceeding',
          data: { for: '2h' },
        },
      ],
    },
    {
      name: 'fires on schedules the controller cannot use, even in a manifest',
      now: NOW,
      objects: [
        cronJob('sunday', '0 0 * * 7', { status: null }),
        cronJob('four-fields', '*/5 * * *'),
        cronJob('mars', '0 2 * * *', { spec: { timeZone: 'Mars/Olympus_Mons' } }),
        cronJob('feb30', '0 0 30 2 *'),
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'sunday' },
          messageId: 'invalidSchedule',
          data: { schedule: '0 0 * * 7', detail: 'day of week: 7 is above the maximum 6' },
        },
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'four-fields' },
          messageId: 'invalidSchedule',
        },
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'mars' },
          messageId: 'invalidSchedule',
          data: { detail: 'unknown time zone "Mars/Olympus_Mons"' },
        },
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'feb30' },
          messageId: 'invalidSchedule',
          data: { detail: 'it matches no real date (no run in the past five years)' },
        },
      ],
    },
    {
      name: 'a stricter missedRuns fires after one missed run',
      now: NOW,
      params: { missedRuns: 1, minStale: '1m' },
      objects: [
        cronJob('backup', '0 2 * * *', {
          status: { lastScheduleTime: '2026-03-02T02:00:00Z', lastSuccessfulTime: '2026-03-01T02:05:00Z' },
        }),
      ],
      findings: [
        { object: { kind: 'CronJob', namespace: 'default', name: 'backup' }, messageId: 'notSucceeding' },
      ],
    },
  ],
  skip: [{ name: 'is skipped when CronJobs were not collected', objects: [], collected: [] }],
})
