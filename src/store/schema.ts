import type { Generated } from 'kysely'

/**
 * The tables as Kysely sees them. Times are epoch milliseconds (integers on SQLite, bigint on
 * PostgreSQL, read back as numbers); JSON is stored as text on both dialects (see adr/0007-store.md).
 */
export interface Database {
  clusters: ClustersTable
  cluster_labels: ClusterLabelsTable
  scans: ScansTable
  findings: FindingsTable
  incidents: IncidentsTable & IncidentNotifiedColumns
  fleet_keys: FleetKeysTable
  silences: SilencesTable
  outbox: OutboxTable
  store_meta: StoreMetaTable
  open_counts: OpenCountsTable
}

/** Open findings per detector and severity, kept by recordScan so metrics never count the findings table. */
export interface OpenCountsTable {
  detector: string
  rank: number
  open: number
}

/** Small named counters; the 'silences' row is also the lock that orders silence changes before scans. */
export interface StoreMetaTable {
  key: string
  value: number
}

/** One row per cluster ever scanned. */
export interface ClustersTable {
  name: string
  source: string
  /** JSON object of the cluster's inventory labels. */
  labels: string
  first_seen: number
  scans: number
  last_scan_at: number | null
  last_scan_id: number | null
  last_status: string | null
  last_error: string | null
}

/** The cluster's labels, one row each, so findings can be filtered by cluster label in SQL. */
export interface ClusterLabelsTable {
  cluster: string
  key: string
  value: string
}

/** One row per recorded scan of one cluster. */
export interface ScansTable {
  id: Generated<number>
  cluster: string
  started_at: number
  finished_at: number
  status: string
  objects: number
  findings: number
  new_findings: number
  reopened_findings: number
  resolved_findings: number
  /** JSON array of the scan's errors (ScanError). */
  errors: string
  /** JSON array of the detector ids that ran. */
  detectors_ran: string
  /** JSON array of the detector ids skipped for lack of data. */
  skipped: string
}

/** One row per finding fingerprint, with its lifecycle. */
export interface FindingsTable {
  fingerprint: string
  detector: string
  cluster: string
  /** '' for cluster-scoped objects. */
  namespace: string
  /** 3 critical, 2 warning, 1 info: sortable and comparable on both dialects. */
  rank: number
  title: string
  /**
   * JSON of what is shown but never filtered on: apiVersion, kind, name, uid, category,
   * messageId, message, remediation, runbook, evidence. One value instead of ten keeps the
   * per-row cost of a big scan down on both dialects (see adr/0007-store.md).
   */
  body: string
  cause: string
  fleet_key: string | null
  object_labels: string
  /** 'open' or 'resolved'. */
  state: Generated<string>
  first_seen: number
  last_seen: number
  resolved_at: number | null
  occurrences: Generated<number>
  reopen_count: Generated<number>
  clean_scans: Generated<number>
  incident_id: string | null
  ack_by: string | null
  ack_at: number | null
  ack_comment: string | null
  snoozed_until: number | null
  /** Latest expiry of the active silences that match this finding; silenced while it is after now. */
  silenced_until: number | null
  silenced_by: string | null
}

/** Incidents: open findings of one cluster sharing a cause, or one detector+fleet key across clusters. */
export interface IncidentsTable {
  id: string
  /** 'cluster' or 'fleet'. */
  kind: string
  /** The cluster; '' for fleet incidents (null in the API). */
  cluster: string
  /** Hash of kind, cluster, detector and cause: unique among a cluster's open incidents (a short index key). */
  group_hash: string
  cause: string
  /** The detector of a fleet incident; '' for cluster incidents (null in the API). */
  detector: string
  title: string
  rank: number
  peak_rank: number
  state: string
  opened_at: number
  updated_at: number
  resolved_at: number | null
  last_notified_at: number | null
  members: number
  clusters: number
}

/**
 * What was notified of an incident's opening (migration 0003). Apart from IncidentsTable because
 * only the notifier writes them (src/store/notified.ts): the lifecycle inserts incidents with their
 * defaults and its upserts leave them as they are.
 */
export interface IncidentNotifiedColumns {
  /** The rank the opening was notified at; 0: nothing notified yet. */
  notified_open_rank: Generated<number>
  /** The highest rank notified (the opening or an escalation); 0: nothing yet. */
  notified_rank: Generated<number>
  /** null: nothing notified; 'open': the opening (and escalations); 'resolved': the resolve too. */
  notified_state: string | null
  /** When the open incident is to be planned again (a resend or an Alertmanager refresh); null: never. */
  notify_due_at: number | null
}

/** Per detector+fleet key: how many clusters have it open, kept incrementally (and the row lock that orders writers). */
export interface FleetKeysTable {
  detector: string
  fleet_key: string
  title: string
  clusters: number
  members: number
  rank: number
  /** Highest rank the open fleet incident reached (escalation is a rise above it). */
  peak_rank: number
  incident_id: string | null
  updated_at: number
}

/** Silences, from silences.yaml (origin 'file') or the API (origin 'api'). */
export interface SilencesTable {
  id: string
  /** JSON of the silence's matchers, as src/silences defines them. */
  matchers: string
  owner: string
  reason: string
  ticket: string | null
  created_by: string
  created_at: number
  expires_at: number | null
  origin: string
  updated_at: number
}

/** The notification outbox. */
export interface OutboxTable {
  id: Generated<number>
  key: string
  receiver: string
  event: string
  incident_id: string
  payload: string
  /** 'pending', 'sent' or 'failed'. */
  state: string
  attempts: number
  created_at: number
  next_attempt_at: number
  lease_until: number | null
  sent_at: number | null
  last_error: string | null
}
