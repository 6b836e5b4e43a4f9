import type { IncidentDetail, IncidentNotified } from '../store/types.js'
import type { NotifyIncident } from './types.js'

/** What the store does not know about an incident, for {@link fromStoreIncident}. */
export interface FromStoreOptions {
  /** The time silences and snoozes are judged at. */
  now: Date
  /** The incident is in the scan result's `escalated` list (used when `notified` is not given). */
  escalated?: boolean
  /**
   * What was notified of it (the store's notifiedStates): the opening severity is then known (the
   * one notified, or the peak when nothing was), and what was notified is not planned again.
   */
  notified?: IncidentNotified
  /** A link to the incident in kubedac's API or UI. */
  url?: string
}

/**
 * Maps a stored incident with its findings to what the planner takes. It counts as silenced when
 * every finding is silenced or snoozed at `now`; a cluster incident whose findings share one
 * detector is named after it (Alertmanager's alertname).
 */
export function fromStoreIncident(detail: IncidentDetail, opts: FromStoreOptions): NotifyIncident {
  const now = opts.now.getTime()
  const quiet = (until: Date | null) => until !== null && until.getTime() > now
  const findings = detail.findings
  const detectors = new Set(findings.map((f) => f.detector))
  const detector = detail.detector ?? (detectors.size === 1 ? [...detectors][0] : undefined)
  return {
    id: detail.id,
    cluster: detail.cluster,
    ...(detail.cluster === null ? { clusters: detail.clusterNames } : {}),
    cause: detail.cause,
    ...(detector ? { detector } : {}),
    title: detail.title,
    severity: detail.severity,
    peakSeverity: detail.peakSeverity,
    ...(opts.escalated ? { escalated: true } : {}),
    ...(opts.notified ? { openedSeverity: opts.notified.openedSeverity ?? detail.peakSeverity } : {}),
    ...(opts.notified?.severity ? { notifiedSeverity: opts.notified.severity } : {}),
    state: detail.state,
    openedAt: detail.openedAt,
    ...(detail.resolvedAt ? { resolvedAt: detail.resolvedAt } : {}),
    memberCount: Math.max(detail.members, findings.length),
    members: findings.map((f) => ({
      detector: f.detector,
      severity: f.severity,
      cluster: f.cluster,
      object: { ...f.object },
      message: f.message,
      remediation: f.remediation,
      runbook: f.runbook,
      fingerprint: f.fingerprint,
    })),
    ...(findings.length > 0 && findings.every((f) => quiet(f.silencedUntil) || quiet(f.snoozedUntil))
      ? { silenced: true }
      : {}),
    ...(opts.url ? { url: opts.url } : {}),
  }
}
