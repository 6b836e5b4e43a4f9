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

/** Findings stringified together: enough to keep the per-call cost low, few enough that a piece of
 * text stays small (~50 KB): a huge cluster's part is never one string, nor kept until written. */
const SLICE = 50

/**
 * Findings as the items of a top-level array `key` of a 2-space-indented document, without the
 * brackets, a slice at a time: stringified inside `{ key: [...] }`, so their indentation is already
 * the report's. Evidence is walked value by value only when it cannot be stringified as it is (as
 * renderJson).
 */
function* itemsText(
  key: string,
  findings: readonly Finding[],
  extra?: (i: number) => object,
): Generator<string> {
  for (let at = 0; at < findings.length; at += SLICE)
    yield (at ? ',\n' : '') + sliceText(key, findings.slice(at, at + SLICE), at, extra)
}

function sliceText(
  key: string,
  findings: readonly Finding[],
  offset: number,
  extra?: (i: number) => object,
): string {
  const doc = (plain: (e: Finding['evidence']) => unknown) =>
    JSON.stringify(
      { [key]: findings.map((f, i) => ({ ...findingJson(f, plain), ...extra?.(offset + i) })) },
      null,
      2,
    )
  let text: string
  try {
    text = doc((e) => e)
  } catch {
    text = doc(plainEvidence)
  }
  // `{\n  "key": [\n` … `\n  ]\n}`
  return text.slice(`{\n  ${JSON.stringify(key)}: [\n`.length, -'\n  ]\n}'.length)
}

/** A top-level JSON array written a part at a time: `[` before the first, `,` between, `]` by `close`. */
function arrayWriter(key: string) {
  let count = 0
  return {
    /** The items' text in pieces; the head (`[` or `,`) is in the first. */
    *items(findings: readonly Finding[], extra?: (i: number) => object): Generator<string> {
      if (findings.length === 0) return
      let head = count === 0 ? `  ${JSON.stringify(key)}: [\n` : ',\n'
      count += findings.length
      for (const piece of itemsText(key, findings, extra)) {
        yield head + piece
        head = ''
      }
    },
    close(): string {
      return count === 0 ? `  ${JSON.stringify(key)}: [],\n` : '\n  ],\n'
    },
  }
}

/**
 * The JSON report written cluster by cluster: `findings` as each cluster is done, then `silenced`
 * (with `--silences`), `clusters`, `errors` and `generatedAt`. It parses to the same document as
 * {@link renderJson} (the keys in another order); silenced findings are held, as text, to the end.
 */
export function jsonChunks(options: { silenced?: boolean } = {}): ChunkRenderer {
  const findings = arrayWriter('findings')
  const silenced = arrayWriter('silenced')
  const held: string[] = []
  let started = false
  return {
    order: 'name',
    cluster(part: ReportPart): string {
      return [...this.pieces!(part)].join('')
    },
    *pieces(part: ReportPart): Generator<string> {
      if (!started) yield '{\n  "version": 1,\n'
      started = true
      yield* findings.items(part.findings)
      const hold = part.silenced ?? []
      if (hold.length) held.push([...silenced.items(hold, (i) => ({ silence: hold[i]!.silence }))].join(''))
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
