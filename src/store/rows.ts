import type { Selectable } from 'kysely'
import type { ClusterStatus, Severity } from '../core/types.js'
import type { ClustersTable, FindingsTable, IncidentsTable, ScansTable, SilencesTable } from './schema.js'
import type {
  ClusterRecord,
  FindingState,
  Incident,
  ScanRecord,
  SilenceOrigin,
  SilenceRecord,
  StoredFinding,
} from './types.js'

/** The latest time a Date can hold: the expiry recorded for a silence that never expires. */
export const NEVER = 8_640_000_000_000_000

/** Severity as a sortable number (3 critical, 2 warning, 1 info), stored beside the name. */
export function rankOf(s: Severity): number {
  return s === 'critical' ? 3 : s === 'warning' ? 2 : 1
}

/** The severity of a rank. */
export function severityOfRank(r: number): Severity {
  return r >= 3 ? 'critical' : r === 2 ? 'warning' : 'info'
}

/** JSON with object keys sorted, so equal label sets compare equal as text. */
export function canonicalJson(labels: Record<string, string>): string {
  const sorted: Record<string, string> = {}
  for (const k of Object.keys(labels).sort()) sorted[k] = labels[k] as string
  return JSON.stringify(sorted)
}

// pg returns bigint and numeric as strings unless told otherwise; the store's pool is told
// otherwise, but aggregates are converted here too so no caller ever sees a string count.
/** A database number (number, bigint or numeric string) as a JS number. */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v)
}

function date(v: unknown): Date {
  return new Date(num(v))
}

function dateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : new Date(num(v))
}

/** The shown-but-never-filtered part of a finding, kept as one JSON value (findings.body). */
export interface FindingBody {
  apiVersion: string
  kind: string
  name: string
  uid?: string
  category: string
  messageId: string
  message: string
  remediation: string
  runbook: string
  evidence: Record<string, unknown>
}

/** A findings row as the API's finding. */
export function findingFromRow(r: Selectable<FindingsTable>): StoredFinding {
  const b = JSON.parse(r.body) as FindingBody
  const object: StoredFinding['object'] = { apiVersion: b.apiVersion, kind: b.kind, name: b.name }
  if (r.namespace !== '') object.namespace = r.namespace
  if (b.uid !== undefined) object.uid = b.uid
  return {
    fingerprint: r.fingerprint,
    detector: r.detector,
    cluster: r.cluster,
    object,
    severity: severityOfRank(num(r.rank)),
    category: b.category,
    title: r.title,
    messageId: b.messageId,
    message: b.message,
    evidence: b.evidence,
    remediation: b.remediation,
    runbook: b.runbook,
    cause: r.cause,
    fleetKey: r.fleet_key,
    objectLabels: JSON.parse(r.object_labels) as Record<string, string>,
    state: r.state as FindingState,
    isNew: r.state === 'open' && num(r.occurrences) === 1,
    firstSeen: date(r.first_seen),
    lastSeen: date(r.last_seen),
    resolvedAt: dateOrNull(r.resolved_at),
    occurrences: num(r.occurrences),
    reopenCount: num(r.reopen_count),
    cleanScans: num(r.clean_scans),
    incidentId: r.incident_id,
    acknowledgement:
      r.ack_by === null ? null : { by: r.ack_by, at: date(r.ack_at), comment: r.ack_comment ?? null },
    snoozedUntil: dateOrNull(r.snoozed_until),
    silencedUntil: dateOrNull(r.silenced_until),
    silencedBy: r.silenced_by,
  }
}

/** An incidents row as the API's incident. */
export function incidentFromRow(r: Selectable<IncidentsTable>): Incident {
  return {
    id: r.id,
    kind: r.kind as Incident['kind'],
    cluster: r.kind === 'fleet' ? null : r.cluster,
    cause: r.cause,
    detector: r.kind === 'fleet' ? r.detector : null,
    title: r.title,
    severity: severityOfRank(num(r.rank)),
    peakSeverity: severityOfRank(num(r.peak_rank)),
    state: r.state as Incident['state'],
    openedAt: date(r.opened_at),
    updatedAt: date(r.updated_at),
    resolvedAt: dateOrNull(r.resolved_at),
    lastNotifiedAt: dateOrNull(r.last_notified_at),
    members: num(r.members),
    clusters: num(r.clusters),
  }
}

/** A clusters row as the API's cluster. */
export function clusterFromRow(
  r: Selectable<ClustersTable> & { last_scan_id: number | null },
): ClusterRecord {
  return {
    name: r.name,
    source: r.source,
    labels: JSON.parse(r.labels) as Record<string, string>,
    firstSeen: date(r.first_seen),
    scans: num(r.scans),
    lastScanAt: dateOrNull(r.last_scan_at),
    lastScanId: r.last_scan_id === null ? null : num(r.last_scan_id),
    lastStatus: r.last_status as ClusterStatus | null,
    lastError: r.last_error,
  }
}

/** A scans row as the API's scan. */
export function scanFromRow(r: Selectable<ScansTable>): ScanRecord {
  return {
    id: num(r.id),
    cluster: r.cluster,
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    status: r.status as ClusterStatus,
    objects: num(r.objects),
    findings: num(r.findings),
    newFindings: num(r.new_findings),
    reopenedFindings: num(r.reopened_findings),
    resolvedFindings: num(r.resolved_findings),
    errors: JSON.parse(r.errors) as ScanRecord['errors'],
    detectorsRan: JSON.parse(r.detectors_ran) as string[],
    skipped: JSON.parse(r.skipped) as string[],
  }
}

/** A silences row as the API's silence. */
export function silenceFromRow(r: Selectable<SilencesTable>): SilenceRecord {
  return {
    id: r.id,
    matchers: JSON.parse(r.matchers) as unknown,
    owner: r.owner,
    reason: r.reason,
    ticket: r.ticket,
    createdBy: r.created_by,
    createdAt: date(r.created_at),
    expiresAt: dateOrNull(r.expires_at),
    origin: r.origin as SilenceOrigin,
  }
}

/** Splits rows into chunks that keep a statement under the dialect's bound-parameter limit. */
export function chunks<T>(rows: T[], columns: number, paramLimit: number, maxRows = 1000): T[][] {
  const size = Math.max(1, Math.min(maxRows, Math.floor(paramLimit / Math.max(1, columns))))
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}
