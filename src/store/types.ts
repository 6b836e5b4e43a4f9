import type { ClusterResult, ClusterStatus, Finding, ObjectRef, ScanError, Severity } from '../core/types.js'
import type { OutboxStore } from './outbox.js'

export type { NotificationEvent, OutboxInput, OutboxMessage, OutboxStore } from './outbox.js'

/** A finding as the pipeline hands it to the store: the report's finding plus its grouping keys. */
export interface StoredFindingInput extends Finding {
  /** Root-cause key within the cluster (src/findings/cause.ts); findings sharing it form one incident. */
  cause: string
  /** Cross-cluster key (kubelet version, image, registry…); the same detector+key on many clusters is one fleet incident. */
  fleetKey?: string
  /** The object's labels, for silences that match on them. */
  objectLabels?: Record<string, string>
}

/** The cluster a scan belongs to, as the inventory names it. */
export interface ClusterInput {
  name: string
  source: string
  labels?: Record<string, string>
}

/** Everything one scan of one cluster produced. */
export interface RecordScanInput {
  cluster: ClusterInput
  result: ClusterResult
  findings: StoredFindingInput[]
  /** Ids of the detectors that actually ran on this cluster (enabled minus result.skipped). */
  detectorsRan: string[]
  /** Per detector: clean scans in a row before its findings resolve (default 1). */
  resolveAfter?: Record<string, number>
  /** Clusters with the same detector+fleet key open before a fleet incident opens (default 2). */
  fleetThreshold?: number
  /** When collection began (default: `now`). */
  startedAt?: Date
  /** When the scan finished; the time recorded as first/last seen. */
  now: Date
}

/** What a recorded scan changed, for the notifier. */
export interface RecordScanResult {
  scanId: number
  opened: Incident[]
  /** Open incidents whose severity rose above the highest they had reached. */
  escalated: Incident[]
  resolved: Incident[]
  /** Findings seen for the first time. */
  newFindings: number
  /** Resolved findings seen again. */
  reopened: number
  /** Open findings this scan resolved. */
  resolvedFindings: number
}

/** A finding's lifecycle state. `new` and `reopened` are not states: see isNew/reopenCount (adr/0007-store.md). */
export type FindingState = 'open' | 'resolved'

/** Who acknowledged a finding, when, and why. */
export interface Acknowledgement {
  by: string
  at: Date
  comment: string | null
}

/** A finding with its history, as the store keeps it. */
export interface StoredFinding {
  fingerprint: string
  detector: string
  cluster: string
  object: ObjectRef
  severity: Severity
  category: string
  title: string
  messageId: string
  message: string
  evidence: Record<string, unknown>
  remediation: string
  runbook: string
  cause: string
  fleetKey: string | null
  objectLabels: Record<string, string>
  state: FindingState
  /** Open and seen in one scan only so far. */
  isNew: boolean
  firstSeen: Date
  lastSeen: Date
  resolvedAt: Date | null
  occurrences: number
  reopenCount: number
  cleanScans: number
  incidentId: string | null
  acknowledgement: Acknowledgement | null
  snoozedUntil: Date | null
  /** Latest expiry among the active silences that match; the finding is silenced while this is in the future. */
  silencedUntil: Date | null
  /** The silence with that expiry. */
  silencedBy: string | null
}

/** A cluster of the inventory, with how its last scan went. */
export interface ClusterRecord {
  name: string
  source: string
  labels: Record<string, string>
  firstSeen: Date
  scans: number
  lastScanAt: Date | null
  lastScanId: number | null
  lastStatus: ClusterStatus | null
  lastError: string | null
}

/** One recorded scan. */
export interface ScanRecord {
  id: number
  cluster: string
  startedAt: Date
  finishedAt: Date
  status: ClusterStatus
  objects: number
  findings: number
  newFindings: number
  reopenedFindings: number
  resolvedFindings: number
  errors: ScanError[]
  detectorsRan: string[]
  skipped: string[]
}

/** An incident: open findings of one cluster with one cause, or of one detector+fleet key on many clusters. */
export interface Incident {
  id: string
  kind: 'cluster' | 'fleet'
  /** The cluster, for cluster incidents; null for fleet incidents. */
  cluster: string | null
  /** The root-cause key (cluster incidents) or the fleet key (fleet incidents). */
  cause: string
  /** The detector, for fleet incidents; null for cluster incidents. */
  detector: string | null
  title: string
  /** Highest severity among the open members (the last members' when resolved). */
  severity: Severity
  /** Highest severity the incident ever reached. */
  peakSeverity: Severity
  state: 'open' | 'resolved'
  openedAt: Date
  updatedAt: Date
  resolvedAt: Date | null
  lastNotifiedAt: Date | null
  /** Open member findings (the last count when resolved). */
  members: number
  /** Clusters with open members. */
  clusters: number
}

/** An incident with its member findings. */
export interface IncidentDetail extends Incident {
  findings: StoredFinding[]
  /** Clusters among the member findings, sorted. */
  clusterNames: string[]
}

/** Where a silence comes from: silences.yaml or the API. */
export type SilenceOrigin = 'file' | 'api'

/** A silence to create. `matchers` are as src/silences defines them; the store keeps them as given. */
export interface SilenceInput {
  id?: string
  matchers: unknown
  owner: string
  reason: string
  ticket?: string | null
  createdBy: string
  expiresAt: Date | null
}

/** A stored silence. */
export interface SilenceRecord {
  id: string
  matchers: unknown
  owner: string
  reason: string
  ticket: string | null
  createdBy: string
  createdAt: Date
  expiresAt: Date | null
  origin: SilenceOrigin
}

/** Sortable finding fields. */
export type FindingSortField = 'lastSeen' | 'firstSeen' | 'severity' | 'cluster' | 'detector'

/** Which findings to list; every field narrows. */
export interface FindingFilter {
  cluster?: string | string[]
  /** Clusters carrying all of these labels. */
  clusterLabels?: Record<string, string>
  detector?: string | string[]
  severity?: Severity | Severity[]
  state?: FindingState
  /** '' selects cluster-scoped objects. */
  namespace?: string | string[]
  /** true: only findings silenced at `now`; false: only findings not silenced at `now`. */
  silenced?: boolean
  acknowledged?: boolean
  /** true: only findings snoozed at `now`; false: only findings not snoozed. */
  snoozed?: boolean
  incidentId?: string
  /** The time silences and snoozes are judged at (default: the current time). */
  now?: Date
}

/** A page request: `cursor` (from the previous page) or `offset`. */
export interface PageRequest {
  limit: number
  offset?: number
  cursor?: string | null
  /** Count at most this many matching rows for `total` (default 1,000). */
  countLimit?: number
}

/** A page of results with the total matching the filter. */
export interface Page<T> {
  items: T[]
  /** Rows matching the filter, counted up to the page's count limit. */
  total: number
  /** False when more rows match than were counted: `total` is then a lower bound ("1,000+"). */
  totalExact: boolean
  /** Pass as `cursor` for the next page (findings) or as `offset` (incidents); null on the last page. */
  nextCursor: string | null
}

/**
 * What was notified of an incident's current opening (a reopening is a new incident). The
 * notifier records it after the messages are in the outbox; the sweep tells what lags.
 */
export interface IncidentNotified {
  /** The severity the opening was notified at; null: nothing notified yet. */
  openedSeverity: Severity | null
  /** The highest severity notified (the opening or an escalation); null: nothing yet. */
  severity: Severity | null
  /** null: nothing notified; 'open': the opening (and escalations); 'resolved': the resolve too. */
  state: 'open' | 'resolved' | null
  /** When the open incident is to be planned again (a resend or an Alertmanager refresh); null: never. */
  dueAt: Date | null
}

/** What the notifier has put in the outbox for one incident, for {@link Store.markNotified}. */
export interface NotifiedMark {
  id: string
  /** The opening and escalations up to this severity are in the outbox (omit: no change). */
  severity?: Severity
  /** The severity the opening went out at (kept when one was recorded before). */
  openedSeverity?: Severity
  /** The resolve is in the outbox (or was never owed). */
  resolved?: boolean
  /** When to plan the open incident again; null: never. */
  dueAt: Date | null
  /** Messages were planned now (sets lastNotifiedAt). */
  planned: boolean
}

/** Which incidents to list. */
export interface IncidentFilter {
  state?: 'open' | 'resolved'
  kind?: 'cluster' | 'fleet'
  cluster?: string
  severity?: Severity | Severity[]
  /** true: only incidents notified at least once; false: never notified. */
  notified?: boolean
}

/** Open findings of one severity and detector: unsilenced and silenced counted apart, never mixed. */
export interface OpenFindingCount {
  severity: Severity
  detector: string
  open: number
  silenced: number
}

/** How many clusters' last scan ended with one status, for metrics. */
export interface ClusterStatusCount {
  status: ClusterStatus
  clusters: number
}

/** What replaceFileSilences changed. */
export interface SilenceSync {
  added: number
  updated: number
  removed: number
}

/** The findings service's store: SQLite or PostgreSQL behind one interface. */
export interface Store extends OutboxStore {
  readonly dialect: 'sqlite' | 'postgres'
  /** Records one scan of one cluster in one transaction: findings lifecycle, incidents; returns what changed. */
  recordScan(input: RecordScanInput): Promise<RecordScanResult>
  listClusters(filter?: { labels?: Record<string, string> }): Promise<ClusterRecord[]>
  getCluster(name: string): Promise<ClusterRecord | null>
  /** Scans, newest first. */
  listScans(filter?: { cluster?: string; limit?: number; beforeId?: number }): Promise<ScanRecord[]>
  listFindings(
    filter?: FindingFilter,
    sort?: { field: FindingSortField; dir: 'asc' | 'desc' },
    page?: PageRequest,
  ): Promise<Page<StoredFinding>>
  getFinding(fingerprint: string): Promise<StoredFinding | null>
  listIncidents(
    filter?: IncidentFilter,
    page?: { limit: number; offset?: number; countLimit?: number },
  ): Promise<Page<Incident>>
  getIncident(id: string, opts?: { memberLimit?: number }): Promise<IncidentDetail | null>
  /** Records that the incident was notified (for resend intervals). */
  markIncidentNotified(id: string, at: Date): Promise<void>
  /**
   * Incidents the notifier owes something, by id after `after` (keyset pages): open ones notified
   * below their peak severity (or not at all), resolved ones whose opening was notified and not
   * their resolve, and open ones due again at `now` (dueAt). Reads partial indexes of just those.
   */
  incidentsToNotify(opts: { now: Date; after?: string | null; limit: number }): Promise<string[]>
  /** What was notified of each incident (ids not found are left out). */
  notifiedStates(ids: string[]): Promise<Map<string, IncidentNotified>>
  /**
   * Records what was notified, only forward: the severities never go down, a resolve once
   * recorded stays, the opening severity is kept once set. Call it after the messages are in the outbox.
   */
  markNotified(marks: NotifiedMark[], at: Date): Promise<void>
  acknowledge(
    fingerprint: string,
    ack: { by: string; comment?: string | null; at: Date },
  ): Promise<StoredFinding>
  /** Removes an acknowledgement. */
  unacknowledge(fingerprint: string): Promise<StoredFinding>
  /** Snoozes until a time; null ends the snooze. */
  snooze(fingerprint: string, until: Date | null): Promise<StoredFinding>
  createSilence(input: SilenceInput, now: Date): Promise<SilenceRecord>
  listSilences(filter?: {
    activeAt?: Date
    expiringBefore?: Date
    origin?: SilenceOrigin
  }): Promise<SilenceRecord[]>
  getSilence(id: string): Promise<SilenceRecord | null>
  /** Deletes a silence; false when there was none. */
  deleteSilence(id: string, now: Date): Promise<boolean>
  /** Ends a silence now (kept as history); false when there was none. */
  expireSilence(id: string, now: Date): Promise<boolean>
  /** Makes the file silences exactly `list` (by id), leaving API silences alone; idempotent. */
  replaceFileSilences(list: SilenceInput[], now: Date): Promise<SilenceSync>
  openFindingsBySeverityAndDetector(now?: Date): Promise<OpenFindingCount[]>
  /** Clusters counted by the status of their last scan (one row per status present; for the metrics scrape). */
  clustersByStatus(): Promise<ClusterStatusCount[]>
  /**
   * Refreshes the query planner's statistics. SQLite's are refreshed as findings grow; on
   * PostgreSQL without autovacuum call this periodically (kubedac serve does) and after a big load.
   */
  optimize(): Promise<void>
  /** Whether the database answers (for /readyz). */
  ping(): Promise<boolean>
  close(): Promise<void>
}
