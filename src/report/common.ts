import type { ClusterResult, Finding, ObjectRef, Report, ScanError, Severity } from '../core/types.js'
import { SEVERITIES, severityRank } from '../core/types.js'
import type { DetectorMeta } from '../detect/define.js'
import { reportParts } from './stream.js'

/** What every renderer may use beside the report itself. */
export interface ReportContext {
  /** Detector metadata by id, for rule descriptions; findings of unknown detectors still render. */
  detectors: Map<string, DetectorMeta>
  /** ANSI colour in the table; the caller decides (TTY, NO_COLOR, --color). */
  color?: boolean
  toolVersion: string
  /** The project's home page, for SARIF `tool.driver.informationUri`; omitted when unset. */
  informationUri?: string
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

/** Control characters (except those in `keep`) as visible `\uXXXX` text. */
export function escapeControls(s: string, keep = '\t\n\r'): string {
  // Names and messages come from clusters and files: a hostile annotation could carry escape
  // sequences that rewrite a terminal, or bytes that XML cannot hold.
  return s.replace(CONTROL, (c) =>
    keep.includes(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** A JSON value: what evidence becomes once it is safe to serialize. */
export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain }

/** A JSON-safe deep copy: BigInt becomes a number (a string past 2^53), Map an object, bytes base64. */
export function toPlain(value: unknown, seen: Set<object> = new Set()): Plain {
  // CEL hands back BigInt, Map and bytes, which `JSON.stringify` rejects or mangles.
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return Number.isFinite(value) ? value : String(value)
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return null
  }
  if (value === null) return null
  const obj = value as object
  if (seen.has(obj)) return '[Circular]'
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? String(obj) : obj.toISOString()
  if (obj instanceof Uint8Array) return Buffer.from(obj).toString('base64')
  seen.add(obj)
  try {
    if (Array.isArray(obj) || obj instanceof Set)
      return [...(obj as Iterable<unknown>)].map((v) => toPlain(v, seen))
    const out: { [key: string]: Plain } = {}
    const entries = obj instanceof Map ? [...obj.entries()] : Object.entries(obj)
    for (const [k, v] of entries) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue
      out[String(k)] = toPlain(v, seen)
    }
    return out
  } finally {
    seen.delete(obj)
  }
}

/** Evidence as a JSON-safe object. */
export function plainEvidence(evidence: Record<string, unknown> | undefined): { [key: string]: Plain } {
  const p = toPlain(evidence ?? {})
  return p !== null && typeof p === 'object' && !Array.isArray(p) ? p : { value: p }
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function objectLabel(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`
}

/** Findings per severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, warning: 0, info: 0 }
  for (const f of findings) out[f.severity] = (out[f.severity] ?? 0) + 1
  return out
}

/** Most urgent first; findings of equal severity keep the report's order. */
export function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
}

/** One cluster's part of the report, findings most urgent first. */
export interface ClusterGroup {
  cluster: ClusterResult
  findings: Finding[]
}

/** Findings grouped by cluster, in the report's cluster order, most urgent first; a cluster name given twice is headed by its last result. */
export function groupByCluster(report: Report): ClusterGroup[] {
  return reportParts(report, 'target').map((p) => ({
    cluster: p.clusters[p.clusters.length - 1]!,
    findings: bySeverity(p.findings),
  }))
}

/** An error with the cluster it belongs to, if any. */
export interface LocatedError {
  error: ScanError
  cluster?: string
}

/** Every error of the report, top-level first, then per cluster. */
export function allErrors(report: {
  errors: readonly ScanError[]
  clusters: readonly ClusterResult[]
}): LocatedError[] {
  // An error recorded at both levels is listed once, so counts are not inflated.
  const seen = new Set<string>()
  const out: LocatedError[] = []
  const add = (error: ScanError, cluster?: string): void => {
    const key = JSON.stringify([error.source, error.message, error.code, error.line, error.column])
    if (seen.has(key)) return
    seen.add(key)
    out.push(cluster === undefined ? { error } : { error, cluster })
  }
  for (const e of report.errors) add(e)
  for (const c of report.clusters) for (const e of c.errors) add(e, c.name)
  return out
}

/** `source:line:column`, as editors and terminals link it. */
export function errorLocation(e: ScanError): string {
  if (e.line === undefined) return e.source
  return e.column === undefined ? `${e.source}:${e.line}` : `${e.source}:${e.line}:${e.column}`
}

/** `1 finding`, `2 findings`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** The one-line summary every human-facing format shows. */
export function summaryLine(report: Report): string {
  const clusters = new Set([...report.clusters.map((x) => x.name), ...report.findings.map((f) => f.cluster)])
  return summaryText(countBySeverity(report.findings), clusters.size, allErrors(report).length)
}

/** {@link summaryLine} from counts, for a report written cluster by cluster. */
export function summaryText(counts: Record<Severity, number>, clusters: number, errors: number): string {
  const total = SEVERITIES.reduce((n, s) => n + counts[s], 0)
  const sev = SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ')
  return `${plural(total, 'finding')}: ${sev} across ${plural(clusters, 'cluster')}; ${plural(errors, 'error')}`
}

/** Whether a string is an absolute http(s) URL. */
export function isHttpUrl(s: string): boolean {
  if (!/^https?:\/\//i.test(s)) return false
  try {
    new URL(s)
    return true
  } catch {
    return false
  }
}

/** A runbook as a link target: an http(s) URL or a relative path; undefined for anything else. */
export function runbookHref(runbook: string): string | undefined {
  // Detector files may come from users, so `javascript:` or `data:` runbooks are never linked.
  if (!runbook) return undefined
  if (isHttpUrl(runbook)) return runbook
  if (/^[a-z][a-z0-9+.-]*:/i.test(runbook) || runbook.startsWith('//') || /[\s<>"]/.test(runbook))
    return undefined
  return runbook
}
