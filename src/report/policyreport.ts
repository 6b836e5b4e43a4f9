import { hash } from 'node:crypto'
import { stringify } from 'yaml'
import type { Finding, Report, Severity } from '../core/types.js'
import type { ReportContext } from './common.js'
import { renderChunks, reportParts, type ChunkRenderer, type ReportPart } from './stream.js'

// `kubedac scan --format policyreport`: the findings as wgpolicyk8s.io/v1alpha2 PolicyReports (one
// per namespace per cluster) and ClusterPolicyReports (cluster-scoped findings), the reports that
// Policy Reporter, Kyverno's UI and other tools read. Each report belongs to one cluster: it carries
// the cluster as a label and must be applied to that cluster only (`kubectl apply -l`).

/** The API version of the reports. */
export const POLICY_REPORT_API_VERSION = 'wgpolicyk8s.io/v1alpha2'

/** The label (and annotation, with the exact name) that says which cluster a report belongs to. */
export const CLUSTER_LABEL = 'kubedac.io/cluster'

/** The `source` of every result, so tools can tell kubedac's results from a policy engine's. */
export const POLICY_REPORT_SOURCE = 'kubedac'

/**
 * kubedac severity → PolicyReport `result`: critical and warning are problems that need action
 * (`fail`); info is hygiene, reported but not scored (`warn`).
 */
export const RESULT_OF: Readonly<Record<Severity, 'fail' | 'warn'>> = {
  critical: 'fail',
  warning: 'fail',
  info: 'warn',
}

/**
 * kubedac severity → PolicyReport `severity` (critical, high, medium, low, info): the two ends
 * map to the same words, and warning ("fix this week") sits in the middle as medium.
 */
export const SEVERITY_OF: Readonly<Record<Severity, 'critical' | 'medium' | 'info'>> = {
  critical: 'critical',
  warning: 'medium',
  info: 'info',
}

/** An object reference as PolicyReport `resources[]` holds it (core/v1 ObjectReference). */
export interface PolicyResource {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
  uid?: string
}

/** One `results[]` entry of a (Cluster)PolicyReport. */
export interface PolicyResult {
  source: string
  policy: string
  rule: string
  category: string
  severity: string
  result: 'fail' | 'warn'
  message: string
  timestamp: { seconds: number; nanos: number }
  resources?: PolicyResource[]
  properties: Record<string, string>
}

/** A PolicyReport or ClusterPolicyReport object. */
export interface PolicyReportObject {
  apiVersion: typeof POLICY_REPORT_API_VERSION
  kind: 'PolicyReport' | 'ClusterPolicyReport'
  metadata: {
    name: string
    namespace?: string
    labels: Record<string, string>
    annotations: Record<string, string>
  }
  summary: { pass: number; fail: number; warn: number; error: number; skip: number }
  results: PolicyResult[]
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/

/**
 * A cluster name as a label value (63 characters of letters, digits, `-`, `_`, `.`): kept when it
 * is one already; otherwise made into one, with a hash of the name so two clusters stay apart.
 */
export function clusterLabelValue(cluster: string): string {
  if (cluster.length <= 63 && LABEL_VALUE.test(cluster)) return cluster
  const h = hash('sha256', cluster).slice(0, 8)
  const base = cluster
    .replace(/[^-A-Za-z0-9_.]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 54)
    .replace(/[^A-Za-z0-9]+$/, '')
  return base ? `${base}-${h}` : h
}

function timestampOf(iso: string): { seconds: number; nanos: number } {
  const ms = Date.parse(iso)
  const t = Number.isNaN(ms) ? 0 : ms
  return { seconds: Math.floor(t / 1000), nanos: (((t % 1000) + 1000) % 1000) * 1_000_000 }
}

function resultOf(f: Finding, timestamp: { seconds: number; nanos: number }): PolicyResult {
  const r: PolicyResult = {
    source: POLICY_REPORT_SOURCE,
    policy: f.detector,
    rule: f.messageId || f.detector,
    category: f.category,
    severity: SEVERITY_OF[f.severity],
    result: RESULT_OF[f.severity],
    message: f.message,
    timestamp,
    properties: {
      title: f.title,
      cluster: f.cluster,
      fingerprint: f.fingerprint,
      ...(f.runbook ? { runbook: f.runbook } : {}),
      ...(f.remediation ? { remediation: f.remediation } : {}),
    },
  }
  // A cluster-level finding is about the report's scope, which is what a result without resources means.
  if (f.object.kind !== 'Cluster') {
    const o = f.object
    r.resources = [
      {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
        ...(o.uid !== undefined ? { uid: o.uid } : {}),
      },
    ]
  }
  return r
}

function reportObject(
  kind: PolicyReportObject['kind'],
  cluster: string,
  namespace: string | undefined,
  results: PolicyResult[],
  generatedAt: string,
): PolicyReportObject {
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 }
  for (const r of results) summary[r.result]++
  return {
    apiVersion: POLICY_REPORT_API_VERSION,
    kind,
    metadata: {
      name: namespace === undefined ? 'kubedac-cluster' : `kubedac-${namespace}`,
      ...(namespace !== undefined ? { namespace } : {}),
      labels: {
        'app.kubernetes.io/managed-by': 'kubedac',
        [CLUSTER_LABEL]: clusterLabelValue(cluster),
      },
      annotations: { [CLUSTER_LABEL]: cluster, 'kubedac.io/generated-at': generatedAt },
    },
    summary,
    results,
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The report's findings as PolicyReport objects, cluster by cluster (in report order): first a
 * ClusterPolicyReport `kubedac-cluster` (always, even empty, so a clean scan shows as one), then a
 * PolicyReport `kubedac-<namespace>` for each namespace with findings, in name order.
 */
export function policyReports(report: Report): { cluster: string; objects: PolicyReportObject[] }[] {
  return reportParts(report, 'target').map((p) => {
    const cluster = p.clusters[0]!.name
    return { cluster, objects: clusterPolicyReports(cluster, p.findings, report.generatedAt) }
  })
}

/** One cluster's PolicyReport objects (see {@link policyReports}). */
export function clusterPolicyReports(
  cluster: string,
  findings: readonly Finding[],
  generatedAt: string,
): PolicyReportObject[] {
  const ts = timestampOf(generatedAt)
  const own: PolicyResult[] = []
  const byNamespace = new Map<string, PolicyResult[]>()
  for (const f of findings) {
    const ns = f.object.namespace
    if (ns === undefined || ns === '') own.push(resultOf(f, ts))
    else {
      const list = byNamespace.get(ns)
      if (list) list.push(resultOf(f, ts))
      else byNamespace.set(ns, [resultOf(f, ts)])
    }
  }
  const objects = [reportObject('ClusterPolicyReport', cluster, undefined, own, generatedAt)]
  for (const ns of [...byNamespace.keys()].sort(cmp))
    objects.push(reportObject('PolicyReport', cluster, ns, byNamespace.get(ns)!, generatedAt))
  return objects
}

/** One cluster's reports as YAML documents, introduced by a comment saying how to apply them to that cluster alone. */
function clusterYaml(cluster: string, objects: PolicyReportObject[]): string {
  const docs = objects.map((o) => stringify(o, { lineWidth: 0 }))
  return (
    `# kubedac policy reports of cluster ${JSON.stringify(cluster)}: apply them to that cluster only,\n` +
    `# kubectl apply -l ${CLUSTER_LABEL}=${clusterLabelValue(cluster)} -f <this file>\n` +
    docs.join('---\n')
  )
}

/** The reports as one multi-document YAML stream, cluster by cluster. */
export function renderPolicyReport(report: Report, _ctx?: ReportContext): string {
  return renderChunks(policyReportChunks(report.generatedAt), report)
}

/**
 * {@link renderPolicyReport} written cluster by cluster as each is done. Every result carries
 * `generatedAt`, so a streamed scan passes the instant it started.
 */
export function policyReportChunks(generatedAt: string): ChunkRenderer {
  let written = 0
  return {
    order: 'target',
    cluster(part: ReportPart): string {
      const cluster = part.clusters[0]!.name
      const text = clusterYaml(cluster, clusterPolicyReports(cluster, part.findings, generatedAt))
      return written++ === 0 ? text : `---\n${text}`
    },
    end(): string {
      return written === 0 ? '# kubedac: no cluster in this report, so no policy reports\n' : ''
    },
  }
}
