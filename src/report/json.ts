import type { ClusterResult, Finding, Report, ScanError } from '../core/types.js'
import type { Plain, ReportContext } from './common.js'
import { plainEvidence } from './common.js'

function errorJson(e: ScanError): Record<string, Plain> {
  const out: Record<string, Plain> = { source: e.source, message: e.message }
  if (e.code !== undefined) out.code = e.code
  if (e.line !== undefined) out.line = e.line
  if (e.column !== undefined) out.column = e.column
  return out
}

function clusterJson(c: ClusterResult): Record<string, Plain> {
  return {
    name: c.name,
    source: c.source,
    status: c.status,
    objects: c.objects,
    skipped: [...c.skipped],
    errors: c.errors.map(errorJson),
  }
}

// messageId stays internal: DESIGN.md's schema is the public contract, and users key on detector ids.
function findingJson(f: Finding, plain: (e: Finding['evidence']) => unknown): Record<string, unknown> {
  const object: Record<string, Plain> = { apiVersion: f.object.apiVersion, kind: f.object.kind }
  if (f.object.namespace !== undefined) object.namespace = f.object.namespace
  object.name = f.object.name
  if (f.object.uid !== undefined) object.uid = f.object.uid
  return {
    detector: f.detector,
    title: f.title,
    severity: f.severity,
    category: f.category,
    cluster: f.cluster,
    object,
    message: f.message,
    evidence: plain(f.evidence),
    remediation: f.remediation,
    runbook: f.runbook,
    fingerprint: f.fingerprint,
  }
}

/** The report as DESIGN.md's JSON schema (version 1), keys in schema order, 2-space indent. */
export function renderJson(report: Report, _ctx?: ReportContext): string {
  const doc = (plain: (e: Finding['evidence']) => unknown) => ({
    version: report.version,
    generatedAt: report.generatedAt,
    clusters: report.clusters.map(clusterJson),
    findings: report.findings.map((f) => findingJson(f, plain)),
    errors: report.errors.map(errorJson),
  })
  // Evidence is plain JSON almost always (CEL values are converted when found): stringify it as it
  // is, and walk it value by value only when that fails (a BigInt, a cycle), since a fleet report
  // can hold hundreds of thousands of findings.
  try {
    return (
      JSON.stringify(
        doc((e) => e),
        null,
        2,
      ) + '\n'
    )
  } catch {
    return JSON.stringify(doc(plainEvidence), null, 2) + '\n'
  }
}
