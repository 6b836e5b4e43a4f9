import type { Finding, Report, ScanError, Severity } from '../core/types.js'
import type { DetectorMeta } from '../detect/define.js'
import { runbookOf } from '../detect/define.js'
import type { Plain, ReportContext } from './common.js'
import { allErrors, errorLocation, isHttpUrl, plainEvidence, runbookHref, toPlain } from './common.js'
import { mdText } from './markdown.js'

/** The `$schema` written into SARIF logs. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'

/** The key of kubedac's fingerprint in `partialFingerprints`; bump the suffix if the recipe changes. */
export const SARIF_FINGERPRINT_KEY = 'kubedac/v1'

type Level = 'error' | 'warning' | 'note'

const LEVEL: Record<Severity, Level> = { critical: 'error', warning: 'warning', info: 'note' }

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/

type Json = { [key: string]: Plain }

/** What a rule needs, from the detector's metadata or, for an unknown detector, from its finding. */
interface RuleSource {
  id: string
  title: string
  description?: string
  severity: Severity
  category: string
  remediation: string
  runbook: string
}

/** Rule-level help has no finding to fill `{{placeholders}}`, so they read as `<name>` instead. */
function unTemplate(s: string): string {
  return s.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, '<$1>')
}

function ruleSource(meta: DetectorMeta | undefined, f: Finding): RuleSource {
  if (!meta)
    return {
      id: f.detector,
      title: f.title,
      severity: f.severity,
      category: f.category,
      remediation: f.remediation,
      runbook: f.runbook,
    }
  return {
    id: meta.id,
    title: meta.title,
    ...(meta.description ? { description: meta.description } : {}),
    severity: meta.severity,
    category: meta.category,
    remediation: unTemplate(meta.remediation),
    runbook: f.runbook || runbookOf(meta),
  }
}

function markdownLink(runbook: string): string {
  const href = runbookHref(runbook)
  return href
    ? `[Runbook](${encodeURI(href).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)})`
    : ''
}

function rule(r: RuleSource): Json {
  const help = [mdText(r.remediation), markdownLink(r.runbook)].filter(Boolean)
  const out: Json = {
    id: r.id,
    name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description ?? r.title },
    help: {
      text: r.runbook ? `${r.remediation}\nRunbook: ${r.runbook}` : r.remediation,
      markdown: help.join('\n\n'),
    },
  }
  if (isHttpUrl(r.runbook)) out.helpUri = r.runbook
  out.defaultConfiguration = { level: LEVEL[r.severity] }
  out.properties = {
    category: r.category,
    tags: ['kubernetes', r.category],
    ...(r.runbook ? { runbook: r.runbook } : {}),
  }
  return out
}

/** Only names that look like manifest files become artifacts: a kubeconfig context or `-` is not one. */
function isFileSource(s: string): boolean {
  return /\.(ya?ml|json)$/i.test(s) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(s.replace(/^file:\/\//i, ''))
}

/** A file path as a SARIF URI: relative stays relative, absolute becomes `file://`, segments encoded. */
export function pathToUri(path: string): string {
  // Relative URIs are what GitHub code scanning resolves against the checkout.
  if (/^file:\/\//i.test(path)) return path
  let p = path.replace(/\\/g, '/')
  const encode = (s: string): string =>
    s
      .split('/')
      .map((seg, i) => (i === 0 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg)))
      .join('/')
  if (/^[A-Za-z]:\//.test(p)) return `file:///${encode(p)}`
  if (p.startsWith('/')) return `file://${encode(p)}`
  while (p.startsWith('./')) p = p.slice(2)
  return encode(p)
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'bigint' ? Number(v) : v
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined
}

function physicalLocation(file: string, line?: unknown, column?: unknown): Json {
  const out: Json = { artifactLocation: { uri: pathToUri(file) } }
  const startLine = positiveInt(line)
  if (startLine !== undefined) {
    const startColumn = positiveInt(column)
    out.region = startColumn === undefined ? { startLine } : { startLine, startColumn }
  }
  return out
}

/**
 * Where a finding's object was read from. The contract has no field for it yet, so a `source` on
 * the finding or its object, or `evidence.source` / `evidence.file` (with `evidence.line`), is used.
 */
function findingFile(f: Finding): { file: string; line?: unknown } | undefined {
  const candidates: unknown[] = [
    (f as { source?: unknown }).source,
    (f.object as { source?: unknown }).source,
    f.evidence?.source,
    f.evidence?.file,
  ]
  const file = candidates.find((c): c is string => typeof c === 'string' && isFileSource(c))
  return file === undefined ? undefined : { file, line: f.evidence?.line }
}

function fullyQualifiedName(f: Finding): string {
  const o = f.object
  return [f.cluster, ...(o.namespace ? [o.namespace] : []), o.kind, o.name].join('/')
}

function result(f: Finding, ruleIndex: number): Json {
  const location: Json = {
    logicalLocations: [{ kind: 'resource', name: f.object.name, fullyQualifiedName: fullyQualifiedName(f) }],
  }
  const file = findingFile(f)
  if (file) location.physicalLocation = physicalLocation(file.file, file.line)
  return {
    ruleId: f.detector,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [location],
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      severity: f.severity,
      category: f.category,
      cluster: f.cluster,
      object: toPlain(f.object),
      remediation: f.remediation,
      evidence: plainEvidence(f.evidence),
    },
  }
}

function notification(e: ScanError, cluster: string | undefined): Json {
  const out: Json = {
    level: 'error',
    message: { text: `${errorLocation(e)}: ${e.message}` },
  }
  if (e.code) out.descriptor = { id: e.code }
  if (isFileSource(e.source))
    out.locations = [{ physicalLocation: physicalLocation(e.source, e.line, e.column) }]
  out.properties = cluster === undefined ? { source: e.source } : { source: e.source, cluster }
  return out
}

/** The report as one SARIF 2.1.0 run, for code-scanning dashboards (GitHub, GitLab, Azure DevOps). */
export function renderSarif(report: Report, ctx: ReportContext): string {
  const sources = new Map<string, RuleSource>()
  for (const f of report.findings)
    if (!sources.has(f.detector)) sources.set(f.detector, ruleSource(ctx.detectors.get(f.detector), f))
  const ids = [...sources.keys()].sort()
  const index = new Map(ids.map((id, i) => [id, i]))

  const driver: Json = { name: 'kubedac', version: ctx.toolVersion }
  if (SEMVER.test(ctx.toolVersion)) driver.semanticVersion = ctx.toolVersion
  if (ctx.informationUri && isHttpUrl(ctx.informationUri)) driver.informationUri = ctx.informationUri
  driver.rules = ids.map((id) => rule(sources.get(id) as RuleSource))

  const run: Json = {
    tool: { driver },
    invocations: [
      {
        // An unreachable cluster is reported as a finding; the run failed only if nothing was scanned.
        executionSuccessful: report.clusters.some((c) => c.status !== 'unreachable'),
        ...(RFC3339.test(report.generatedAt) ? { endTimeUtc: report.generatedAt } : {}),
        toolExecutionNotifications: allErrors(report).map(({ error, cluster }) =>
          notification(error, cluster),
        ),
      },
    ],
    columnKind: 'utf16CodeUnits',
    results: report.findings.map((f) => result(f, index.get(f.detector) as number)),
    properties: {
      generatedAt: report.generatedAt,
      clusters: report.clusters.map((c) => ({
        name: c.name,
        source: c.source,
        status: c.status,
        objects: c.objects,
        skipped: [...c.skipped],
      })),
    },
  }
  return JSON.stringify({ $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] }, null, 2) + '\n'
}
