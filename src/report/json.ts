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
function findingJson(f: Finding): Record<string, Plain> {
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
    evidence: plainEvidence(f.evidence),
    remediation: f.remediation,
    runbook: f.runbook,
    fingerprint: f.fingerprint,
  }
}

/** The report as DESIGN.md's JSON schema (version 1), keys in schema order, 2-space indent. */
export function renderJson(report: Report, _ctx?: ReportContext): string {
  const doc = {
    version: report.version,
    generatedAt: report.generatedAt,
    clusters: report.clusters.map(clusterJson),
    findings: report.findings.map(findingJson),
    errors: report.errors.map(errorJson),
  }
  return JSON.stringify(doc, null, 2) + '\n'
}
