/** Severity of a finding, by DESIGN.md's meaning: critical pages, warning is this week, info is hygiene. */
export type Severity = 'critical' | 'warning' | 'info'

/** Severities from most to least urgent. */
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info']

/** Numeric rank of a severity: higher is more urgent. */
export function severityRank(s: Severity): number {
  return s === 'critical' ? 3 : s === 'warning' ? 2 : 1
}

/** An owner reference as Kubernetes writes it. */
export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid?: string
  controller?: boolean
}

/** The metadata every Kubernetes object carries (the fields kubedac relies on). */
export interface ObjectMeta {
  name: string
  namespace?: string
  uid?: string
  generation?: number
  resourceVersion?: string
  creationTimestamp?: string
  deletionTimestamp?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  managedFields?: unknown[]
  finalizers?: string[]
  [key: string]: unknown
}

/** A Kubernetes object as read from the API or a file; fields beyond the envelope are untyped. */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any
  [key: string]: unknown
}

/** A reference to one object, as findings carry it. Cluster-wide findings use kind `Cluster`. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  namespace?: string
  name: string
  uid?: string
}

/** One finding: a detector's verdict on one object of one cluster. */
export interface Finding {
  detector: string
  title: string
  severity: Severity
  category: string
  cluster: string
  object: ObjectRef
  messageId: string
  message: string
  evidence: Record<string, unknown>
  remediation: string
  runbook: string
  fingerprint: string
  /** Where the object was read from (a file), for SARIF locations; not part of the JSON report. */
  source?: string
}

/** A problem met while reading input or running a detector; never fatal to the scan. */
export interface ScanError {
  /** The file, cluster or detector the problem belongs to. */
  source: string
  /** What went wrong and where (line, column, field). */
  message: string
  /** A code from the error catalogue (`KDAC_E_...`). */
  code: string
  line?: number
  column?: number
}

/** How one cluster's scan ended. */
export type ClusterStatus = 'scanned' | 'partial' | 'unreachable'

/** The per-cluster part of a report. */
export interface ClusterResult {
  name: string
  source: string
  status: ClusterStatus
  objects: number
  skipped: string[]
  errors: ScanError[]
}

/** The JSON report (`kubedac scan --format json`), version 1. */
export interface Report {
  version: 1
  generatedAt: string
  clusters: ClusterResult[]
  findings: Finding[]
  errors: ScanError[]
}
