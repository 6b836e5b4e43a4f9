import type { ClusterResult, Finding, Report, ScanError } from '../core/types.js'
import type { Plain, ReportContext } from './common.js'
import { plainEvidence } from './common.js'
import type { ChunkRenderer, ReportPart, ReportTail } from './stream.js'

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

/** One finding as pretty JSON; evidence is walked value by value only when it cannot be stringified as it is. */
function findingText(f: Finding, extra?: Record<string, unknown>): string {
  try {
    return JSON.stringify({ ...findingJson(f, (e) => e), ...extra }, null, 2)
  } catch {
    return JSON.stringify({ ...findingJson(f, plainEvidence), ...extra }, null, 2)
  }
}

/** Pretty JSON nested `depth` levels deep (2 spaces each): JSON strings hold no raw newline. */
function indented(text: string, depth: number): string {
  const pad = '  '.repeat(depth)
  return pad + text.replace(/\n/g, `\n${pad}`)
}

/** A JSON array written item by item: `[` before the first, `,` between, `]` by `close`. */
function arrayWriter(key: string, depth: number) {
  let count = 0
  return {
    item(text: string): string {
      const head = count++ === 0 ? `${'  '.repeat(depth - 1)}${JSON.stringify(key)}: [\n` : ',\n'
      return head + indented(text, depth)
    },
    close(): string {
      return count === 0
        ? `${'  '.repeat(depth - 1)}${JSON.stringify(key)}: [],\n`
        : `\n${'  '.repeat(depth - 1)}],\n`
    },
  }
}

/**
 * The JSON report written cluster by cluster: `findings` as each cluster is done, then `silenced`
 * (with `--silences`), `clusters`, `errors` and `generatedAt`. It parses to the same document as
 * {@link renderJson} (the keys in another order); silenced findings are held, as text, to the end.
 */
export function jsonChunks(options: { silenced?: boolean } = {}): ChunkRenderer {
  const findings = arrayWriter('findings', 2)
  const silenced = arrayWriter('silenced', 2)
  const held: string[] = []
  let started = false
  return {
    order: 'name',
    cluster(part: ReportPart): string {
      let out = started ? '' : '{\n  "version": 1,\n'
      started = true
      for (const f of part.findings) out += findings.item(findingText(f))
      for (const f of part.silenced ?? []) held.push(silenced.item(findingText(f, { silence: f.silence })))
      return out
    },
    end(tail: ReportTail): string {
      let out = started ? '' : '{\n  "version": 1,\n'
      out += findings.close()
      if (options.silenced) out += held.join('') + silenced.close()
      const rest = JSON.stringify(
        {
          clusters: tail.clusters.map(clusterJson),
          errors: tail.errors.map(errorJson),
          generatedAt: tail.generatedAt,
        },
        null,
        2,
      )
      return out + rest.slice(2) + '\n'
    },
  }
}
