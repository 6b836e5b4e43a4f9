import type { Report } from '../core/types.js'
import type { ReportContext } from './common.js'
import { renderHtml } from './html.js'
import { jsonChunks, renderJson } from './json.js'
import { renderJunit } from './junit.js'
import { renderMarkdown } from './markdown.js'
import { policyReportChunks, renderPolicyReport } from './policyreport.js'
import { renderSarif } from './sarif.js'
import type { ChunkRenderer } from './stream.js'
import { renderTable, tableChunks } from './table.js'

export type { ReportContext, Plain } from './common.js'
export { toPlain } from './common.js'
export { renderHtml, renderJson, renderJunit, renderMarkdown, renderPolicyReport, renderSarif, renderTable }
export { SARIF_FINGERPRINT_KEY, SARIF_SCHEMA_URI } from './sarif.js'
export type {
  ChunkRenderer,
  ChunkWriter,
  ClusterOrder,
  ReportPart,
  ReportTail,
  SilencedEntry,
} from './stream.js'
export { isBrokenPipe, openReportFile, renderChunks, reportParts, streamWriter, writePart } from './stream.js'

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

/** The formats written cluster by cluster as a scan goes; the others need every finding first. */
export const STREAMED_FORMATS: readonly ReportFormat[] = ['table', 'json', 'policyreport']

/**
 * A renderer that writes `format` cluster by cluster, or undefined for a format whose layout needs
 * the whole report first (SARIF's rule index, JUnit's totals, the summaries heading Markdown and
 * HTML). `generatedAt` is what formats that stamp every part (policyreport) put there;
 * `silenced` adds the JSON report's `silenced` array.
 */
export function chunkRenderer(
  format: ReportFormat,
  ctx: ReportContext,
  options: { generatedAt: string; silenced?: boolean },
): ChunkRenderer | undefined {
  switch (format) {
    case 'table':
      return tableChunks(ctx)
    case 'json':
      return jsonChunks({ silenced: options.silenced ?? false })
    case 'policyreport':
      return policyReportChunks(options.generatedAt)
    default:
      return undefined
  }
}
