import type { KubeObject } from '../../core/types.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import { ageMs, conditionOf, forEachContainerStatus } from './k8s.js'

// ---------------------------------------------------------------------------------------------
// One pass over the pods for the pod detectors of this group.
// ---------------------------------------------------------------------------------------------

/** The pods worth a closer look, sorted by what may be wrong with them; everything else is healthy. */
export interface PodIndex {
  /** phase Pending. */
  pending: KubeObject[]
  /** phase Failed. */
  failed: KubeObject[]
  /** With a deletionTimestamp. */
  deleting: KubeObject[]
  /** phase Running, not being deleted, with a Ready condition that is not True. */
  notReady: KubeObject[]
  /** With DisruptionTarget=True. */
  disrupted: KubeObject[]
  /** With a container (init or regular) that has restarted at least once. */
  restarted: KubeObject[]
}

function anyRestart(list: unknown): boolean {
  if (!Array.isArray(list)) return false
  for (const s of list) if (s && typeof s.restartCount === 'number' && s.restartCount > 0) return true
  return false
}

/**
 * Sorts the pods once for every pod detector of this group (a fleet has hundreds of thousands of
 * pods, nearly all healthy): each detector then walks only its short list. A detector using it
 * must declare `v1/Pod`.
 */
export function podIndex(snapshot: Snapshot): PodIndex {
  return snapshot.memo('pods-workloads/podIndex', () => {
    const idx: PodIndex = {
      pending: [],
      failed: [],
      deleting: [],
      notReady: [],
      disrupted: [],
      restarted: [],
    }
    for (const pod of snapshot.list('v1/Pod')) {
      const deleting = pod.metadata.deletionTimestamp !== undefined
      if (deleting) idx.deleting.push(pod)
      const st = pod.status
      if (!st || typeof st !== 'object') continue
      const phase = st.phase
      if (phase === 'Pending') idx.pending.push(pod)
      else if (phase === 'Failed') idx.failed.push(pod)
      const conds = st.conditions
      if (Array.isArray(conds)) {
        let notReady = false
        for (const c of conds) {
          if (!c) continue
          if (c.type === 'Ready') notReady = c.status !== 'True'
          else if (c.type === 'DisruptionTarget' && c.status === 'True') idx.disrupted.push(pod)
        }
        if (notReady && phase === 'Running' && !deleting) idx.notReady.push(pod)
      }
      if (anyRestart(st.containerStatuses) || anyRestart(st.initContainerStatuses)) idx.restarted.push(pod)
    }
    return idx
  })
}

// ---------------------------------------------------------------------------------------------
// Cron schedules, as the CronJob controller reads them (robfig/cron v3, standard parser).
// ---------------------------------------------------------------------------------------------

/** A parsed CronJob schedule: five cron fields, or a fixed `@every` interval. */
export type CronSchedule =
  | {
      kind: 'cron'
      minutes: boolean[]
      hours: boolean[]
      /** Index 1–31. */
      dom: boolean[]
      /** Index 1–12. */
      months: boolean[]
      /** Index 0–6, Sunday is 0. */
      dow: boolean[]
      /** Day of month or day of week was `*`/`?`: then both must match, otherwise either may. */
      dayStar: boolean
      /** IANA zone from a `CRON_TZ=`/`TZ=` prefix, if any. */
      zone?: string
    }
  | { kind: 'every'; ms: number; zone?: string }

/** The outcome of {@link parseCron}: a schedule, or why the controller would refuse it. */
export type CronParse = { ok: true; schedule: CronSchedule } | { ok: false; error: string }

interface Bounds {
  min: number
  max: number
  names?: Record<string, number>
}

const MINUTES: Bounds = { min: 0, max: 59 }
const HOURS: Bounds = { min: 0, max: 23 }
const DOM: Bounds = { min: 1, max: 31 }
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
  },
}
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } }

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

const TZ_PREFIX = /^(?:CRON_TZ|TZ)=(\S+)\s+/
const DIGITS = /^\d+$/
const GO_DURATION = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h)/
const GO_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

class CronError extends Error {}

function fail(message: string): never {
  throw new CronError(message)
}

/** Parses a Go duration (`1h30m`, `90s`, `1.5h`), as `@every` takes it; undefined when unreadable. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text.trim()
  if (!rest) return undefined
  let total = 0
  while (rest) {
    const m = GO_DURATION.exec(rest)
    if (!m) return undefined
    const unit = /[a-zµμ]+$/.exec(m[0])![0]
    total += Number(m[0].slice(0, -unit.length)) * GO_UNIT_MS[unit]!
    rest = rest.slice(m[0].length)
  }
  return total
}

function number(text: string, b: Bounds, field: string): number {
  const named = b.names?.[text.toLowerCase()]
  if (named !== undefined) return named
  if (!DIGITS.test(text)) fail(`${field}: ${JSON.stringify(text)} is not a number`)
  return Number(text)
}

// One comma-separated field into its set of values; true in `star` when it was `*` or `?` without a step.
function field(text: string, b: Bounds, name: string): { set: boolean[]; star: boolean } {
  const set: boolean[] = new Array<boolean>(b.max + 1).fill(false)
  let star = false
  const parts = text.split(',')
  for (const part of parts) {
    if (!part) fail(`${name}: empty list item in ${JSON.stringify(text)}`)
    const slash = part.split('/')
    if (slash.length > 2) fail(`${name}: too many slashes in ${JSON.stringify(part)}`)
    const range = (slash[0] as string).split('-')
    if (range.length > 2) fail(`${name}: too many hyphens in ${JSON.stringify(part)}`)
    let start: number
    let end: number
    let isStar = false
    if (range[0] === '*' || range[0] === '?') {
      if (range.length > 1) fail(`${name}: ${JSON.stringify(part)} is not a range`)
      start = b.min
      end = b.max
      isStar = true
    } else {
      start = number(range[0] as string, b, name)
      end = range.length === 2 ? number(range[1] as string, b, name) : start
    }
    let step = 1
    if (slash.length === 2) {
      if (!DIGITS.test(slash[1] as string)) fail(`${name}: step ${JSON.stringify(slash[1])} is not a number`)
      step = Number(slash[1])
      if (step === 0) fail(`${name}: a step must be a positive number`)
      // `N/step` means `N-max/step`.
      if (range.length === 1 && !isStar) end = b.max
      if (step > 1) isStar = false
    }
    if (start < b.min) fail(`${name}: ${start} is below the minimum ${b.min}`)
    if (end > b.max) fail(`${name}: ${end} is above the maximum ${b.max}`)
    if (start > end) fail(`${name}: the range ${start}-${end} runs backwards`)
    for (let i = start; i <= end; i += step) set[i] = true
    if (isStar) star = true
  }
  return { set, star }
}

/**
 * Parses a CronJob schedule the way the controller does: five fields (minute, hour, day of month,
 * month, day of week) with lists, ranges, steps, `*`/`?` and month/day names, or a descriptor
 * (`@hourly`, `@daily`, `@every 90m`…), optionally after `CRON_TZ=`/`TZ=`. Never throws.
 */
export function parseCron(schedule: unknown): CronParse {
  if (typeof schedule !== 'string') return { ok: false, error: 'the schedule is not text' }
  let text = schedule.trim()
  let zone: string | undefined
  const tz = TZ_PREFIX.exec(text)
  if (tz) {
    zone = tz[1]
    text = text.slice(tz[0].length).trim()
  }
  if (!text) return { ok: false, error: 'the schedule is empty' }
  try {
    if (text.startsWith('@')) {
      if (text.startsWith('@every ')) {
        const ms = parseGoDuration(text.slice(7))
        if (ms === undefined) fail(`${JSON.stringify(text.slice(7))} is not a duration`)
        // robfig rounds an interval below one second up to one second.
        return { ok: true, schedule: { kind: 'every', ms: Math.max(ms, 1000), ...(zone ? { zone } : {}) } }
      }
      const expanded = DESCRIPTORS[text]
      if (!expanded) fail(`unknown descriptor ${JSON.stringify(text)}`)
      text = expanded
    }
    const parts = text.split(/\s+/)
    if (parts.length !== 5)
      fail(`expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.length}`)
    const [mi, ho, dm, mo, dw] = parts as [string, string, string, string, string]
    const dom = field(dm, DOM, 'day of month')
    const dow = field(dw, DOW, 'day of week')
    return {
      ok: true,
      schedule: {
        kind: 'cron',
        minutes: field(mi, MINUTES, 'minute').set,
        hours: field(ho, HOURS, 'hour').set,
        dom: dom.set,
        months: field(mo, MONTHS, 'month').set,
        dow: dow.set,
        dayStar: dom.star || dow.star,
        ...(zone ? { zone } : {}),
      },
    }
  } catch (e) {
    if (e instanceof CronError) return { ok: false, error: e.message }
    throw e
  }
}

const MINUTE = 60_000
const YEAR = 366 * 86_400_000

function dayMatches(s: Extract<CronSchedule, { kind: 'cron' }>, d: Date): boolean {
  const dom = s.dom[d.getUTCDate()] === true
  const dow = s.dow[d.getUTCDay()] === true
  return s.dayStar ? dom && dow : dom || dow
}

/**
 * The latest instant at or before `wallMs` that a five-field schedule fires, in wall-clock
 * milliseconds (a zone's local time written as if it were UTC); undefined if none in five years.
 */
export function previousFire(s: Extract<CronSchedule, { kind: 'cron' }>, wallMs: number): number | undefined {
  let t = Math.floor(wallMs / MINUTE) * MINUTE
  const limit = t - 5 * YEAR
  while (t >= limit) {
    const d = new Date(t)
    if (!s.months[d.getUTCMonth() + 1]) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - MINUTE
      continue
    }
    if (!dayMatches(s, d)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - MINUTE
      continue
    }
    if (!s.hours[d.getUTCHours()]) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()) - MINUTE
      continue
    }
    // The latest matching minute of this hour, without stepping one Date at a time.
    let m = d.getUTCMinutes()
    while (m >= 0 && !s.minutes[m]) m--
    const hourStart = t - d.getUTCMinutes() * MINUTE
    if (m >= 0) return hourStart + m * MINUTE
    t = hourStart - MINUTE
  }
  return undefined
}

const formatters = new Map<string, Intl.DateTimeFormat | null>()

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone)
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
    } catch {
      f = null
    }
    formatters.set(zone, f)
  }
  return f
}

/** Whether a time zone name is one the runtime knows (the CronJob controller refuses unknown ones). */
export function isKnownZone(zone: string): boolean {
  return formatterFor(zone) !== null
}

/** An instant as wall-clock milliseconds in `zone` (local time written as if it were UTC); UTC when no zone. */
export function wallClock(ms: number, zone: string | undefined): number {
  if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return ms
  const f = formatterFor(zone)
  if (!f) return ms
  const p: Record<string, number> = {}
  for (const part of f.formatToParts(new Date(ms)))
    if (part.type !== 'literal') p[part.type] = Number(part.value)
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + (ms % 1000)
}

/**
 * The `n`-th latest fire time at or before `now` (n = 1: the latest), as wall-clock milliseconds in
 * the schedule's zone; undefined when the schedule fires on no real date.
 */
export function nthPreviousFire(s: CronSchedule, nowWall: number, n: number): number | undefined {
  if (s.kind === 'every') return nowWall - n * s.ms
  let t: number | undefined = nowWall
  for (let i = 0; i < n; i++) {
    if (t === undefined) return undefined
    const prev = previousFire(s, i === 0 ? t : t - MINUTE)
    t = prev
  }
  return t
}

// ---------------------------------------------------------------------------------------------
// Pods: why one is not available, and when its owner last made progress.
// ---------------------------------------------------------------------------------------------

/** Waiting reasons that other detectors report (crash loops, image pulls, containers that cannot be created). */
export const WAITING_OWNED_ELSEWHERE: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImageInspectError',
  'RegistryUnavailable',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreCreateHookError',
  'PreStartHookError',
])

/** The first container waiting with a reason another detector reports, if any. */
export function waitingOwnedElsewhere(pod: KubeObject): string | undefined {
  let found: string | undefined
  forEachContainerStatus(pod, (s) => {
    const r = s.state?.waiting?.reason
    if (found === undefined && typeof r === 'string' && WAITING_OWNED_ELSEWHERE.has(r)) found = r
  })
  return found
}

/** Whether a pod counts as ready now (Ready=True, not being deleted). */
export function podIsReady(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && conditionOf(pod, 'Ready')?.status === 'True'
}

/**
 * A short reason a pod is not available, for people: `Pending (Unschedulable)`, `CrashLoopBackOff`,
 * `ContainerCreating`, `Terminating`, `not ready (Running)`.
 */
export function podProblem(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating'
  const phase = typeof pod.status?.phase === 'string' ? pod.status.phase : 'Unknown'
  const scheduled = conditionOf(pod, 'PodScheduled')
  if (scheduled?.status === 'False') return `Pending (${scheduled.reason ?? 'not scheduled'})`
  let waiting: string | undefined
  let terminated: string | undefined
  let init: string | undefined
  const initializing = conditionOf(pod, 'Initialized')?.status === 'False'
  forEachContainerStatus(pod, (s, isInit) => {
    // The first init container that has not finished, as kubectl shows it (`Init:…`).
    if (initializing && isInit && init === undefined && s.state?.terminated?.exitCode !== 0) {
      const w = s.state?.waiting?.reason
      if (s.state?.running) init = `Init (${s.name} running)`
      else if (typeof w === 'string' && w !== 'PodInitializing') init = `Init (${s.name} ${w})`
    }
    const w = s.state?.waiting?.reason
    if (!waiting && typeof w === 'string' && w !== 'PodInitializing') waiting = w
    const t = s.state?.terminated?.reason
    if (!terminated && typeof t === 'string' && t !== 'Completed') terminated = t
  })
  if (init) return init
  if (waiting) return waiting
  if (terminated) return terminated
  if (phase === 'Running') return 'not ready (Running)'
  return phase
}

/** Counts of pod problems as text: `2 Pending (Unschedulable), 1 CrashLoopBackOff`. */
export function summarizeProblems(pods: readonly KubeObject[]): string {
  const counts = new Map<string, number>()
  for (const p of pods) {
    const k = podProblem(p)
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')
}

/** The later of two RFC 3339 times (either may be missing or unreadable). */
function later(a: string | undefined, b: unknown): string | undefined {
  if (typeof b !== 'string' || Number.isNaN(Date.parse(b))) return a
  if (a === undefined || Date.parse(b) > Date.parse(a)) return b
  return a
}

/**
 * When a workload last made visible progress: the newest creation of one of its pods, or the
 * newest Ready transition of one (a pod becoming ready, or failing), or the workload's own
 * creation. A rollout that moves changes one of these every few minutes.
 */
export function lastProgress(owner: KubeObject, pods: readonly KubeObject[]): string | undefined {
  let t = later(undefined, owner.metadata.creationTimestamp)
  for (const p of pods) {
    t = later(t, p.metadata.creationTimestamp)
    t = later(t, conditionOf(p, 'Ready')?.lastTransitionTime)
  }
  return t
}

/** Milliseconds since the workload last made progress, or undefined when no time is readable. */
export function sinceProgress(owner: KubeObject, pods: readonly KubeObject[], now: Date): number | undefined {
  return ageMs(lastProgress(owner, pods), now)
}

/** The evidence of a not-available pod: name, phase, problem and node. */
export function podEvidence(pod: KubeObject): Record<string, unknown> {
  const e: Record<string, unknown> = { name: pod.metadata.name, problem: podProblem(pod) }
  if (typeof pod.spec?.nodeName === 'string') e.node = pod.spec.nodeName
  return e
}

/** A finite non-negative number from a status field, or the fallback. */
export function count(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback
}

// ---------------------------------------------------------------------------------------------
// Fixture builders for the test cases of this group.
// ---------------------------------------------------------------------------------------------

/** A DaemonSet for test cases; `status` is merged over a healthy one covering `desired` nodes. */
export function daemonSet(
  name: string,
  opts: {
    namespace?: string
    desired?: number
    status?: Record<string, unknown>
    spec?: Record<string, unknown>
    created?: string
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'kube-system'
  const n = opts.desired ?? 3
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-daemonset-${ns}-${name}`,
      generation: 1,
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
    },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'agent', image: 'registry.example.com/agent:1.0' }] },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      ...(opts.spec ?? {}),
    },
    status: {
      observedGeneration: 1,
      desiredNumberScheduled: n,
      currentNumberScheduled: n,
      updatedNumberScheduled: n,
      numberReady: n,
      numberAvailable: n,
      numberMisscheduled: 0,
      ...(opts.status ?? {}),
    },
  }
}

/** A Job for test cases (status as given; none for a manifest). */
export function job(
  name: string,
  opts: {
    namespace?: string
    spec?: Record<string, unknown>
    status?: Record<string, unknown>
    created?: string
    owner?: string
    labels?: Record<string, string>
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-job-${ns}-${name}`,
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'batch/v1',
                kind: 'CronJob',
                name: opts.owner,
                uid: `uid-cronjob-${ns}-${opts.owner}`,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      template: {
        spec: {
          containers: [{ name: 'run', image: 'registry.example.com/run:1.0' }],
          restartPolicy: 'Never',
        },
      },
      ...(opts.spec ?? {}),
    },
    ...(opts.status ? { status: opts.status } : {}),
  }
}

/** A CronJob for test cases. */
export function cronJob(
  name: string,
  schedule: string,
  opts: {
    namespace?: string
    spec?: Record<string, unknown>
    status?: Record<string, unknown> | null
    created?: string
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-cronjob-${ns}-${name}`,
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
    },
    spec: {
      schedule,
      jobTemplate: {
        spec: {
          template: {
            spec: {
              containers: [{ name: 'run', image: 'registry.example.com/run:1.0' }],
              restartPolicy: 'OnFailure',
            },
          },
        },
      },
      ...(opts.spec ?? {}),
    },
    ...(opts.status === null ? {} : { status: opts.status ?? {} }),
  }
}

/** A Service for test cases: headless unless given a `clusterIP` (`''` leaves it out, as a manifest may). */
export function service(name: string, opts: { namespace?: string; clusterIP?: string } = {}): KubeObject {
  const ns = opts.namespace ?? 'default'
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, uid: `uid-service-${ns}-${name}` },
    spec: {
      ...(opts.clusterIP === '' ? {} : { clusterIP: opts.clusterIP ?? 'None' }),
      selector: { app: name },
      ports: [{ name: 'http', port: 80 }],
    },
  }
}
