import type { Report, ScanError, Severity } from '../core/types.js'
import type { ReportContext } from './common.js'
import {
  allErrors,
  countBySeverity,
  errorLocation,
  escapeControls,
  groupByCluster,
  objectLabel,
  runbookHref,
  summaryLine,
} from './common.js'

const BADGE: Record<Severity, string> = { critical: '🔴 critical', warning: '🟡 warning', info: '🔵 info' }

/** Text as inert Markdown that stays inside one table cell. */
export function mdText(s: string): string {
  // GitHub would render `<img>` or `<details>` and follow `[x](javascript:…)` from cluster data.
  return escapeControls(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/\r?\n/g, '<br>')
}

/** A code span that survives any content, inside a table cell too. */
export function mdCode(s: string): string {
  const text = escapeControls(s.replace(/\r?\n/g, ' ')).replace(/\|/g, '\\|')
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(longest + 1)
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

function link(label: string, href: string | undefined): string {
  if (!href) return ''
  return `[${label}](${encodeURI(href).replace(/[()|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})`
}

function errorItem(e: ScanError): string {
  const code = e.code ? ` ${mdCode(e.code)}` : ''
  return `- ${mdCode(errorLocation(e))}${code}: ${mdText(e.message)}`
}

/** The report for a pull-request comment or a ticket: a summary table, then a table per cluster. */
export function renderMarkdown(report: Report, ctx: ReportContext): string {
  const groups = groupByCluster(report)
  const errors = allErrors(report)
  const out: string[] = [
    '# kubedac report',
    '',
    `**${mdText(summaryLine(report))}**`,
    '',
    `Generated ${mdText(report.generatedAt)} by kubedac ${mdText(ctx.toolVersion)}.`,
    '',
    '| Cluster | Status | Objects | Critical | Warning | Info | Skipped | Errors |',
    '| :-- | :-- | --: | --: | --: | --: | --: | --: |',
  ]
  for (const { cluster, findings } of groups) {
    const c = countBySeverity(findings)
    const errs = errors.filter((e) => e.cluster === cluster.name).length
    out.push(
      `| ${mdCode(cluster.name)} | ${cluster.status} | ${cluster.objects} | ${c.critical} | ${c.warning} | ${c.info} | ${cluster.skipped.length} | ${errs} |`,
    )
  }
  for (const { cluster, findings } of groups) {
    out.push('', `## ${mdText(cluster.name)}`, '')
    const meta = [`status **${cluster.status}**`, `${cluster.objects} objects`]
    if (cluster.source) meta.unshift(`source ${mdCode(cluster.source)}`)
    out.push(meta.join(' · '))
    if (cluster.skipped.length > 0)
      out.push('', `Skipped (data missing): ${cluster.skipped.map((id) => mdCode(id)).join(', ')}`)
    out.push('')
    if (findings.length === 0) {
      out.push('No findings.')
    } else {
      out.push(
        '| Severity | Detector | Object | Message | Remediation | Runbook |',
        '| --- | --- | --- | --- | --- | --- |',
      )
      for (const f of findings) {
        const runbook = f.runbook ? link('runbook', runbookHref(f.runbook)) || mdCode(f.runbook) : ''
        out.push(
          `| ${BADGE[f.severity]} | ${mdCode(f.detector)} | ${mdCode(objectLabel(f.object))} | ${mdText(f.message)} | ${mdText(f.remediation)} | ${runbook} |`,
        )
      }
    }
    const clusterErrors = errors.filter((e) => e.cluster === cluster.name)
    if (clusterErrors.length > 0)
      out.push('', '**Errors**', '', ...clusterErrors.map((e) => errorItem(e.error)))
  }
  const loose = errors.filter((e) => e.cluster === undefined)
  if (loose.length > 0) out.push('', '## Errors', '', ...loose.map((e) => errorItem(e.error)))
  return out.join('\n') + '\n'
}
