import { defineDetector } from '../detect/define.js'
import { humanDuration, parseDuration } from './lib/k8s.js'
import { isKnownZone, nthPreviousFire, parseCron, wallClock } from './lib/pods-workloads.js'

// Names of the CronJob's active Jobs (status.active holds object references).
function activeJobs(st: Record<string, unknown>): string[] {
  if (!Array.isArray(st.active)) return []
  const out: string[] = []
  for (const r of st.active) {
    const name = r && typeof r === 'object' ? (r as { name?: unknown }).name : undefined
    if (typeof name === 'string') out.push(name)
  }
  return out
}

function timeMs(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : t
}

export default defineDetector({
  meta: {
    id: 'cronjob-not-running',
    title: 'CronJob has not run successfully on schedule',
    description:
      'A CronJob (a backup, a report, a certificate renewal, a cleanup) has missed its last scheduled runs: no Job was started, or the Jobs started but none succeeded. Nothing crashes and nothing pages, so such jobs often stay broken for weeks until the work they do is needed. Also reports schedules the controller cannot read.',
    severity: 'warning',
    category: 'workload',
    requires: ['batch/v1/CronJob'],
    messages: {
      notScheduled:
        'CronJob {{name}} ({{schedule}}) has started no Job for {{for}}; at least {{missed}} scheduled runs have passed since its last start.',
      blockedByActive:
        'CronJob {{name}} ({{schedule}}) has started no Job for {{for}}: Job {{job}} is still running and concurrencyPolicy Forbid skips every new run while it does.',
      notSucceeding:
        'CronJob {{name}} ({{schedule}}) has had no successful run for {{for}}; its Jobs start but fail or never finish (at least {{missed}} scheduled runs since the last success).',
      neverRan:
        'CronJob {{name}} ({{schedule}}) was created {{for}} ago and has never started a Job, though at least {{missed}} scheduled runs have passed.',
      invalidSchedule:
        'CronJob {{name}} has a schedule the controller cannot use ({{schedule}}): {{detail}}. It never runs.',
    },
    remediation:
      'See its state: `kubectl get cronjob {{name}} -n {{namespace}}` (LAST SCHEDULE, ACTIVE), `kubectl describe cronjob {{name}} -n {{namespace}}` (Events) and its Jobs: `kubectl get jobs -n {{namespace}}` and `kubectl logs job/<job> -n {{namespace}}`. Failing Jobs: fix the error in their logs. A Job that never ends: give the job template an activeDeadlineSeconds and delete the stuck Job. No Job started: check the schedule, spec.timeZone and startingDeadlineSeconds (too short a deadline skips runs), and the kube-controller-manager. Test a run now: `kubectl create job {{name}}-manual -n {{namespace}} --from=cronjob/{{name}}`.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/',
      'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax',
      'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#job-creation',
    ],
    params: {
      missedRuns: {
        default: 2,
        description:
          'Scheduled runs that must have passed without a start (or without a success) before the detector fires; 2 means "twice the schedule interval".',
      },
      minStale: {
        default: '1h',
        description:
          'Also required: this long without a success, so that a job running every minute is not reported after two slow runs.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const missed = Math.max(1, Math.floor(Number(params.missedRuns)))
    const minStale = parseDuration(params.minStale)
    const nowMs = now.getTime()
    for (const cj of snapshot.list('batch/v1/CronJob')) {
      // Suspended CronJobs are workload-paused-or-suspended's.
      if (cj.spec?.suspend === true) continue
      const schedule: unknown = cj.spec?.schedule
      const shown = typeof schedule === 'string' ? schedule : String(schedule)
      const parsed = parseCron(schedule)
      const tzField: unknown = cj.spec?.timeZone
      let zone = typeof tzField === 'string' && tzField ? tzField : undefined
      let invalid: string | undefined
      if (!parsed.ok) invalid = parsed.error
      else {
        if (parsed.schedule.zone) {
          if (zone) invalid = 'spec.timeZone and a CRON_TZ/TZ prefix in the schedule cannot be combined'
          zone = parsed.schedule.zone
        }
        if (!invalid && zone && !isKnownZone(zone)) invalid = `unknown time zone ${JSON.stringify(zone)}`
      }
      const nowWall = wallClock(nowMs, zone)
      const nth = parsed.ok && !invalid ? nthPreviousFire(parsed.schedule, nowWall, missed) : undefined
      if (parsed.ok && !invalid && nth === undefined)
        invalid = 'it matches no real date (no run in the past five years)'
      if (invalid) {
        report({
          object: cj,
          messageId: 'invalidSchedule',
          data: { schedule: shown, detail: invalid },
          evidence: { schedule: shown, ...(zone ? { timeZone: zone } : {}) },
        })
        continue
      }

      // State: a manifest has no status and no history to judge.
      const st = cj.status
      if (!st || typeof st !== 'object' || nth === undefined) continue
      const lastSchedule = timeMs(st.lastScheduleTime)
      const lastSuccess = timeMs(st.lastSuccessfulTime)
      const created = timeMs(cj.metadata.creationTimestamp)
      const wall = (ms: number) => wallClock(ms, zone)
      let messageId: string | undefined
      let since: number | undefined
      if (lastSchedule === undefined && lastSuccess === undefined) {
        if (created !== undefined && wall(created) < nth) {
          messageId = 'neverRan'
          since = created
        }
      } else if (lastSchedule !== undefined && wall(lastSchedule) < nth) {
        since = lastSchedule
        messageId = 'notScheduled'
        if (cj.spec?.concurrencyPolicy === 'Forbid' && activeJobs(st).length) messageId = 'blockedByActive'
      } else if (lastSuccess !== undefined) {
        if (wall(lastSuccess) < nth) {
          messageId = 'notSucceeding'
          since = lastSuccess
        }
      } else if (created !== undefined && wall(created) < nth) {
        // Started on schedule, yet no success was ever recorded.
        messageId = 'notSucceeding'
        since = created
      }
      if (!messageId || since === undefined) continue
      if (nowMs - since < minStale) continue
      const active = activeJobs(st)
      const data: Record<string, string | number> = {
        schedule: shown,
        missed,
        for: humanDuration(nowMs - since),
      }
      if (messageId === 'blockedByActive') data.job = active[0] as string
      const evidence: Record<string, unknown> = {
        schedule: shown,
        ...(zone ? { timeZone: zone } : {}),
        lastScheduleTime: st.lastScheduleTime ?? null,
        lastSuccessfulTime: st.lastSuccessfulTime ?? null,
        active,
        concurrencyPolicy: cj.spec?.concurrencyPolicy ?? 'Allow',
      }
      if (typeof cj.spec?.startingDeadlineSeconds === 'number')
        evidence.startingDeadlineSeconds = cj.spec.startingDeadlineSeconds
      report({ object: cj, messageId, data, evidence })
    }
  },
})
