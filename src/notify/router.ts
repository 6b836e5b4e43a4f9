import { severityRank, type Severity } from '../core/types.js'
import type { NotificationsConfig, RouteConfig } from './config.js'
import { severitiesBetween } from './payload.js'
import type { NotificationEvent, NotificationPayload, NotifyIncident, PlannedMessage } from './types.js'

/** Cluster labels by cluster name, or a function that looks them up. */
export type ClusterLabels =
  | Record<string, Record<string, string> | undefined>
  | ((cluster: string) => Record<string, string> | undefined)

/** How many findings a payload lists; the count is always complete. */
export const PAYLOAD_MEMBER_LIMIT = 20

function labelsOf(source: ClusterLabels, cluster: string): Record<string, string> {
  return (typeof source === 'function' ? source(cluster) : source[cluster]) ?? {}
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value
  const re = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')
  return new RegExp(`^${re}$`).test(value)
}

function routeMatches(route: RouteConfig, cluster: string, labels: Record<string, string>): boolean {
  for (const [key, want] of Object.entries(route.match)) {
    // `cluster` matches the cluster's name unless the cluster has a label of that name.
    const value = labels[key] ?? (key === 'cluster' ? cluster : undefined)
    if (value === undefined) return false
    const wanted = Array.isArray(want) ? want : [want]
    if (!wanted.some((p) => globMatch(p, value))) return false
  }
  return true
}

/**
 * The receivers for one cluster's incident at a severity. Routes are tried in order; a route
 * matches when all its labels match and the severity reaches its `minSeverity` (default: the
 * config's). The first matching route wins unless it says `continue`; no match → the default receivers.
 */
export function routeCluster(
  cluster: string,
  labels: Record<string, string>,
  severity: Severity,
  config: NotificationsConfig,
): string[] {
  const out = new Set<string>()
  let matched = false
  for (const route of config.routes) {
    if (severityRank(severity) < severityRank(route.minSeverity ?? config.minSeverity)) continue
    if (!routeMatches(route, cluster, labels)) continue
    matched = true
    route.receivers.forEach((r) => out.add(r))
    if (!route.continue) break
  }
  if (!matched && severityRank(severity) >= severityRank(config.minSeverity))
    config.defaultReceivers.forEach((r) => out.add(r))
  return [...out]
}

function clustersOf(incident: NotifyIncident): string[] {
  if (incident.cluster !== null) return [incident.cluster]
  return incident.clusters ?? []
}

/**
 * The receivers for an incident at a severity. A fleet incident (cluster null) is routed once per
 * cluster it spans, and gets the union: every team whose cluster has the problem hears of it.
 */
export function routeIncident(
  incident: NotifyIncident,
  severity: Severity,
  clusterLabels: ClusterLabels,
  config: NotificationsConfig,
): string[] {
  const out = new Set<string>()
  for (const c of clustersOf(incident))
    routeCluster(c, labelsOf(clusterLabels, c), severity, config).forEach((r) => out.add(r))
  return [...out]
}

/** The labels the incident's clusters share (a single cluster's labels; for a fleet incident, those equal on all of them). */
function sharedLabels(incident: NotifyIncident, clusterLabels: ClusterLabels): Record<string, string> {
  const clusters = clustersOf(incident)
  if (!clusters.length) return {}
  const out = { ...labelsOf(clusterLabels, clusters[0]!) }
  for (const c of clusters.slice(1)) {
    const l = labelsOf(clusterLabels, c)
    for (const k of Object.keys(out)) if (l[k] !== out[k]) delete out[k]
  }
  return out
}

const maxSeverity = (...s: Severity[]): Severity =>
  s.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a))

const stepBelow = (s: Severity): Severity => (s === 'critical' ? 'warning' : 'info')

/** How an open incident is sent again: to some receivers, every `every` ms after its opening. */
interface Repeat {
  receivers: string[]
  every: number
  /** An Alertmanager refresh (else a resend of a critical incident). */
  refresh: boolean
}

/** The severities an incident is planned at, from what it is and what was notified of it. */
function severitiesOf(incident: NotifyIncident) {
  const known = incident.openedSeverity
  // Without the opening severity, a hinted escalation opened one step below its peak, and any
  // severity from info up may have fired; otherwise it opened at its peak.
  const hinted = known === undefined && incident.escalated === true
  const peak = maxSeverity(
    incident.peakSeverity ?? incident.severity,
    incident.severity,
    known ?? 'info',
    incident.notifiedSeverity ?? 'info',
  )
  const opened = known ?? (hinted ? stepBelow(peak) : peak)
  const lowest = known ?? (hinted ? 'info' : peak)
  return { known, peak, opened, lowest }
}

/**
 * The resends of an open incident: a critical one to its receivers every `resendInterval` (not to
 * Alertmanager receivers, which repeat on their own), and to each Alertmanager receiver it is
 * routed to every `refresh`, so that the alert's `endsAt` never runs out while it is open.
 * `critical` says whether it counts as critical (now, or, for scheduling, at its peak).
 */
function repeatsOf(
  receiversAt: (s: Severity) => string[],
  everyReceiver: string[],
  critical: boolean,
  config: NotificationsConfig,
): Repeat[] {
  const types = new Map(config.receivers.map((r) => [r.name, r]))
  const out: Repeat[] = []
  if (critical) {
    const receivers = receiversAt('critical').filter((r) => types.get(r)?.type !== 'alertmanager')
    if (receivers.length) out.push({ receivers, every: config.resendInterval, refresh: false })
  }
  for (const r of everyReceiver) {
    const rc = types.get(r)
    if (rc?.type === 'alertmanager') out.push({ receivers: [r], every: rc.refresh, refresh: true })
  }
  return out
}

/**
 * Plans the outbox messages for incidents after a scan. Pure and idempotent: keys are built from
 * the receiver, the incident, the event and the opening time (plus the severity for an escalation,
 * the period for a resend), so planning the same state again yields the same keys and the outbox
 * (which ignores known keys) adds nothing.
 *
 * - `open`: once per opening, routed at the opening severity (`openedSeverity`); not planned when
 *   `notifiedSeverity` says it was notified already.
 * - `escalate`: once per opening and peak severity above the opening one (and above
 *   `notifiedSeverity`), routed at the peak. Without `openedSeverity`, only an incident marked
 *   `escalated` (by the scan that raised it) is escalated.
 * - `resend`: a critical incident still open is sent again every `resendInterval` after opening (not
 *   to Alertmanager receivers, which repeat on their own); Alertmanager receivers instead get every
 *   open incident again every `refresh` so that its `endsAt` never runs out while it is open.
 * - `resolve`: once per opening, to every receiver routed at any severity from the opening one to the
 *   peak (to `notifiedSeverity`, when given).
 *
 * Silenced incidents plan nothing, except a resolve to the receivers that are not Slack (so that a
 * page sent before the silence is closed); when the silence ends, the opening they missed is planned.
 */
export function planNotifications(
  incidents: NotifyIncident[],
  clusterLabels: ClusterLabels,
  config: NotificationsConfig,
  now: Date,
): PlannedMessage[] {
  const types = new Map(config.receivers.map((r) => [r.name, r]))
  const out: PlannedMessage[] = []
  for (const incident of incidents) {
    if (incident.silenced && incident.state === 'open') continue
    const { known, peak, opened, lowest } = severitiesOf(incident)
    const told = incident.notifiedSeverity
    const epoch = incident.openedAt.getTime()
    const labels = sharedLabels(incident, clusterLabels)
    const route = (s: Severity) => routeIncident(incident, s, clusterLabels, config)
    const everyRoute = () => [...new Set(severitiesBetween(lowest, peak).flatMap(route))]
    const add = (
      receivers: string[],
      event: NotificationEvent,
      suffix: string,
      severity: Severity,
      extra: Partial<NotificationPayload> = {},
    ) => {
      for (const receiver of receivers)
        out.push({
          key: `${receiver}:${incident.id}:${event}:${epoch}${suffix}`,
          receiver,
          event,
          incidentId: incident.id,
          payload: payloadOf(incident, event, severity, lowest, peak, labels, extra),
        })
    }
    if (incident.state === 'resolved') {
      // To the receivers told of it: up to the severity notified when it is known (a peak that
      // was never notified, held back by a silence or a crash, concerned nobody).
      const toldRoutes = [...new Set(severitiesBetween(lowest, told ?? peak).flatMap(route))]
      // A silence keeps people from hearing of it, but never leaves a page open: the resolve
      // still goes to receivers that keep state (for them, closing what was never opened is a no-op).
      const receivers = toldRoutes.filter((r) => !incident.silenced || types.get(r)?.type !== 'slack')
      add(receivers, 'resolve', '', peak)
      continue
    }
    if (told === undefined) add(route(opened), 'open', '', opened)
    const before = told ?? opened
    if (severityRank(peak) > severityRank(before))
      add(route(peak), 'escalate', `:${peak}`, peak, known ? { previousSeverity: before } : {})
    const age = now.getTime() - epoch
    for (const r of repeatsOf(route, everyRoute(), incident.severity === 'critical', config)) {
      const period = Math.floor(age / r.every)
      if (period < 1) continue
      if (r.refresh) add(r.receivers, 'resend', `:refresh:${period}`, peak, { sequence: period })
      else add(r.receivers, 'resend', `:${period}`, 'critical', { sequence: period })
    }
  }
  return out
}

/**
 * When an open incident is next to be planned again for a resend or an Alertmanager refresh
 * (the next period boundary after `now`), or null when it has none. A resend is scheduled while its
 * peak is critical, so that one back at critical after a while lower keeps its resends.
 */
export function nextResendAt(
  incident: NotifyIncident,
  clusterLabels: ClusterLabels,
  config: NotificationsConfig,
  now: Date,
): Date | null {
  if (incident.state !== 'open') return null
  const { peak, lowest } = severitiesOf(incident)
  const route = (s: Severity) => routeIncident(incident, s, clusterLabels, config)
  const every = [...new Set(severitiesBetween(lowest, peak).flatMap(route))]
  const epoch = incident.openedAt.getTime()
  let next: number | null = null
  for (const r of repeatsOf(route, every, peak === 'critical', config)) {
    const at = epoch + (Math.floor(Math.max(0, now.getTime() - epoch) / r.every) + 1) * r.every
    if (next === null || at < next) next = at
  }
  return next === null ? null : new Date(next)
}

function payloadOf(
  incident: NotifyIncident,
  event: NotificationEvent,
  severity: Severity,
  openedSeverity: Severity,
  peakSeverity: Severity,
  labels: Record<string, string>,
  extra: Partial<NotificationPayload>,
): NotificationPayload {
  return {
    version: 1,
    event,
    severity,
    ...extra,
    labels,
    incident: {
      id: incident.id,
      cluster: incident.cluster,
      ...(incident.clusters ? { clusters: incident.clusters } : {}),
      cause: incident.cause,
      ...(incident.detector ? { detector: incident.detector } : {}),
      title: incident.title,
      severity: incident.severity,
      openedSeverity,
      peakSeverity,
      state: incident.state,
      openedAt: incident.openedAt.toISOString(),
      ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt.toISOString() } : {}),
      ...(incident.url ? { url: incident.url } : {}),
      memberCount: Math.max(incident.memberCount ?? 0, incident.members.length),
      // The most severe first, so that the capped list keeps what matters.
      members: [...incident.members]
        .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
        .slice(0, PAYLOAD_MEMBER_LIMIT)
        .map((m) => ({ ...m, object: { ...m.object } })),
    },
  }
}
