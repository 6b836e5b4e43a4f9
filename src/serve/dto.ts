import { runbookOf, type Detector } from '../detect/define.js'
import type {
  ClusterRecord,
  Incident,
  IncidentDetail,
  ScanRecord,
  SilenceRecord,
  StoredFinding,
} from '../store/types.js'
import type { Severity } from '../core/types.js'

// The API's answers: store records with times as RFC 3339 strings and "now" judgements (silenced,
// snoozed, active) made once, here, so that every route says the same.

const iso = (d: Date) => d.toISOString()
const isoOrNull = (d: Date | null) => (d === null ? null : d.toISOString())
const after = (d: Date | null, now: Date) => d !== null && d.getTime() > now.getTime()

/** A cluster as the API answers it. */
export function clusterDto(c: ClusterRecord) {
  return {
    name: c.name,
    source: c.source,
    labels: c.labels,
    firstSeen: iso(c.firstSeen),
    scans: c.scans,
    lastScanAt: isoOrNull(c.lastScanAt),
    lastScanId: c.lastScanId,
    lastStatus: c.lastStatus,
    lastError: c.lastError,
  }
}

/** A scan as the API answers it. */
export function scanDto(s: ScanRecord) {
  return { ...s, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) }
}

/** A finding as the API answers it, silenced and snoozed judged at `now`. */
export function findingDto(f: StoredFinding, now: Date) {
  return {
    fingerprint: f.fingerprint,
    detector: f.detector,
    cluster: f.cluster,
    object: f.object,
    severity: f.severity,
    category: f.category,
    title: f.title,
    messageId: f.messageId,
    message: f.message,
    evidence: f.evidence,
    remediation: f.remediation,
    runbook: f.runbook,
    cause: f.cause,
    fleetKey: f.fleetKey,
    objectLabels: f.objectLabels,
    state: f.state,
    isNew: f.isNew,
    firstSeen: iso(f.firstSeen),
    lastSeen: iso(f.lastSeen),
    resolvedAt: isoOrNull(f.resolvedAt),
    occurrences: f.occurrences,
    reopenCount: f.reopenCount,
    incidentId: f.incidentId,
    acknowledgement: f.acknowledgement
      ? { by: f.acknowledgement.by, at: iso(f.acknowledgement.at), comment: f.acknowledgement.comment }
      : null,
    snoozedUntil: isoOrNull(f.snoozedUntil),
    snoozed: after(f.snoozedUntil, now),
    silenced: after(f.silencedUntil, now),
    silencedUntil: after(f.silencedUntil, now) ? isoOrNull(f.silencedUntil) : null,
    silencedBy: after(f.silencedUntil, now) ? f.silencedBy : null,
  }
}

/** An incident as the API answers it. */
export function incidentDto(i: Incident) {
  return {
    id: i.id,
    kind: i.kind,
    cluster: i.cluster,
    cause: i.cause,
    detector: i.detector,
    title: i.title,
    severity: i.severity,
    peakSeverity: i.peakSeverity,
    state: i.state,
    openedAt: iso(i.openedAt),
    updatedAt: iso(i.updatedAt),
    resolvedAt: isoOrNull(i.resolvedAt),
    lastNotifiedAt: isoOrNull(i.lastNotifiedAt),
    members: i.members,
    clusters: i.clusters,
  }
}

/** An incident with its members. */
export function incidentDetailDto(i: IncidentDetail, now: Date) {
  return {
    ...incidentDto(i),
    findings: i.findings.map((f) => findingDto(f, now)),
    clusterNames: i.clusterNames,
  }
}

/** A silence as the API answers it. */
export function silenceDto(s: SilenceRecord, now: Date) {
  return {
    id: s.id,
    matchers: (s.matchers ?? {}) as Record<string, unknown>,
    owner: s.owner,
    reason: s.reason,
    ticket: s.ticket,
    createdBy: s.createdBy,
    createdAt: iso(s.createdAt),
    expiresAt: isoOrNull(s.expiresAt),
    origin: s.origin,
    active: s.expiresAt === null || s.expiresAt.getTime() > now.getTime(),
  }
}

/** A detector of the catalogue as the API answers it. */
export interface DetectorInfo {
  id: string
  title: string
  severity: Severity
  defaultSeverity: Severity
  category: string
  description?: string
  runbook: string
  requires: string[]
  enabled: boolean
}

/** The catalogue: every known detector, with its configured severity and whether it runs. */
export function detectorCatalog(
  all: readonly Detector[],
  enabled: ReadonlyMap<string, Severity>,
  runbookBase?: string,
): DetectorInfo[] {
  const url = (path: string) =>
    !runbookBase || /^[a-z]+:\/\//i.test(path)
      ? path
      : runbookBase.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '')
  return all
    .map((d) => ({
      id: d.meta.id,
      title: d.meta.title,
      severity: enabled.get(d.meta.id) ?? d.meta.severity,
      defaultSeverity: d.meta.severity,
      category: d.meta.category,
      ...(d.meta.description ? { description: d.meta.description } : {}),
      runbook: url(runbookOf(d.meta)),
      requires: [
        ...d.meta.requires,
        ...(d.meta.requiresAny?.length ? [`any of: ${d.meta.requiresAny.join(', ')}`] : []),
      ],
      enabled: enabled.has(d.meta.id),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
