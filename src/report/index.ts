import type { Report } from '../core/types.js'
import type { ReportContext } from './common.js'
import { renderHtml } from './html.js'
import { renderJson } from './json.js'
import { renderJunit } from './junit.js'
import { renderMarkdown } from './markdown.js'
import { renderPolicyReport } from './policyreport.js'
import { renderSarif } from './sarif.js'
import { renderTable } from './table.js'

export type { ReportContext, Plain } from './common.js'
export { toPlain } from './common.js'
export { renderHtml, renderJson, renderJunit, renderMarkdown, renderPolicyReport, renderSarif, renderTable }
export { SARIF_FINGERPRINT_KEY, SARIF_SCHEMA_URI } from './sarif.js'

/** The formats `kubedac scan --format` accepts. */
export const REPORT_FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown', 'html', 'policyreport'] as const

/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number]

/** Whether a string names a report format (for validating `--format`). */
export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s)
}

const RENDERERS: Record<ReportFormat, (report: Report, ctx: ReportContext) => string> = {
  table: renderTable,
  json: renderJson,
  sarif: renderSarif,
  junit: renderJunit,
  markdown: renderMarkdown,
  html: renderHtml,
  policyreport: renderPolicyReport,
}

/** Renders a report in one format; every renderer is pure and ends its output with a newline. */
export function renderReport(format: ReportFormat, report: Report, ctx: ReportContext): string {
  const render = RENDERERS[format]
  if (!render) throw new TypeError(`unknown report format: ${String(format)}`)
  return render(report, ctx)
}
