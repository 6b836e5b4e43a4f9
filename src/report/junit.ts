import type { Finding, Report, ScanError } from '../core/types.js'
import type { ReportContext } from './common.js'
import {
  allErrors,
  errorLocation,
  escapeControls,
  groupByCluster,
  objectLabel,
  plainEvidence,
} from './common.js'

/**
 * XML 1.0 cannot carry most control characters even as `&#n;` references, and a lone surrogate or
 * U+FFFE/U+FFFF is not a character at all, so all are written as visible `\uXXXX` text.
 */
function legal(s: string): string {
  return escapeControls(s).replace(
    /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/** Text content: `>` is escaped too, so `]]>` can never appear. */
export function xmlText(s: string): string {
  return legal(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** An attribute value for double quotes; whitespace is kept as references, since parsers normalize raw tabs and newlines to spaces. */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('')
}

function findingBody(f: Finding): string {
  const evidence = plainEvidence(f.evidence)
  return [
    f.message,
    '',
    `Object: ${objectLabel(f.object)} (${f.object.apiVersion})`,
    `Remediation: ${f.remediation}`,
    ...(f.runbook ? [`Runbook: ${f.runbook}`] : []),
    `Fingerprint: ${f.fingerprint}`,
    ...(Object.keys(evidence).length > 0 ? [`Evidence: ${JSON.stringify(evidence, null, 2)}`] : []),
  ].join('\n')
}

/** critical and warning fail the build's test view; info passes and only shows its text. */
function findingCase(f: Finding, name: string): string {
  const open = `    <testcase${attrs({ classname: f.detector, name })}>`
  const body =
    f.severity === 'info'
      ? `      <system-out>${xmlText(`[info] ${findingBody(f)}`)}</system-out>`
      : `      <failure${attrs({ message: f.message, type: f.severity })}>${xmlText(findingBody(f))}</failure>`
  return `${open}\n${body}\n    </testcase>`
}

/**
 * CI dashboards key test history on classname and name, so a second finding of one detector on one
 * object (a different container or condition) gets its fingerprint appended rather than merging.
 */
function findingCases(findings: Finding[]): string[] {
  const seen = new Set<string>()
  return findings.map((f) => {
    const label = objectLabel(f.object)
    const key = `${f.detector}\u0000${label}`
    const name = seen.has(key) ? `${label} (${f.fingerprint})` : label
    seen.add(key)
    return findingCase(f, name)
  })
}

function skippedCase(detector: string): string {
  return [
    `    <testcase${attrs({ classname: detector, name: 'skipped' })}>`,
    `      <skipped${attrs({ message: 'the data this detector requires was not collected' })}/>`,
    '    </testcase>',
  ].join('\n')
}

function errorCase(e: ScanError): string {
  return [
    `    <testcase${attrs({ classname: 'kubedac.errors', name: errorLocation(e) })}>`,
    `      <error${attrs({ message: e.message, type: e.code || undefined })}>${xmlText(`${errorLocation(e)}: ${e.message}`)}</error>`,
    '    </testcase>',
  ].join('\n')
}

interface Suite {
  name: string
  properties: Record<string, string>
  cases: string[]
  failures: number
  errors: number
  skipped: number
}

function suiteXml(s: Suite, timestamp: string): string {
  const props = Object.entries(s.properties).map(
    ([name, value]) => `      <property${attrs({ name, value })}/>`,
  )
  return [
    `  <testsuite${attrs({ name: s.name, tests: s.cases.length, failures: s.failures, errors: s.errors, skipped: s.skipped, timestamp })}>`,
    ...(props.length > 0 ? ['    <properties>', ...props, '    </properties>'] : []),
    ...s.cases,
    '  </testsuite>',
  ].join('\n')
}

/** The report as JUnit XML: a testsuite per cluster, a testcase per finding, skipped detector and error. */
export function renderJunit(report: Report, _ctx?: ReportContext): string {
  // critical and warning are <failure>s; info passes with <system-out>, since a hygiene note should
  // show in CI without failing it; errors outside any cluster get a suite named `kubedac`.
  const errorsByCluster = new Map<string | undefined, ScanError[]>()
  for (const { error, cluster } of allErrors(report)) {
    const list = errorsByCluster.get(cluster) ?? []
    list.push(error)
    errorsByCluster.set(cluster, list)
  }
  const suites: Suite[] = groupByCluster(report).map(({ cluster, findings }) => {
    const errors = errorsByCluster.get(cluster.name) ?? []
    return {
      name: cluster.name,
      properties: { source: cluster.source, status: cluster.status, objects: String(cluster.objects) },
      cases: [...findingCases(findings), ...cluster.skipped.map(skippedCase), ...errors.map(errorCase)],
      failures: findings.filter((f) => f.severity !== 'info').length,
      errors: errors.length,
      skipped: cluster.skipped.length,
    }
  })
  const loose = errorsByCluster.get(undefined) ?? []
  if (loose.length > 0)
    suites.push({
      name: 'kubedac',
      properties: {},
      cases: loose.map(errorCase),
      failures: 0,
      errors: loose.length,
      skipped: 0,
    })
  const total = (k: 'failures' | 'errors' | 'skipped'): number => suites.reduce((n, s) => n + s[k], 0)
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({
      name: 'kubedac',
      tests: suites.reduce((n, s) => n + s.cases.length, 0),
      failures: total('failures'),
      errors: total('errors'),
      skipped: total('skipped'),
      timestamp: report.generatedAt,
    })}>`,
    ...suites.map((s) => suiteXml(s, report.generatedAt)),
    '</testsuites>',
    '',
  ].join('\n')
}
