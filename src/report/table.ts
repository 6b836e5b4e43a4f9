import type { ClusterStatus, Report, Severity } from '../core/types.js'
import type { ReportContext } from './common.js'
import {
  allErrors,
  bySeverity,
  escapeControls,
  countBySeverity,
  errorLocation,
  objectLabel,
  plural,
  summaryText,
} from './common.js'
import { renderChunks, type ChunkRenderer, type ReportPart, type ReportTail } from './stream.js'

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
  magenta: [35, 39],
} as const

type Style = keyof typeof CODES

const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['red', 'bold'],
  warning: ['yellow', 'bold'],
  info: ['cyan'],
}

const STATUS_STYLE: Record<ClusterStatus, Style> = { scanned: 'green', partial: 'yellow', unreachable: 'red' }

const BADGE_WIDTH = Math.max(...(['critical', 'warning', 'info'] as const).map((s) => s.length))
const INDENT = '  '
const MESSAGE_INDENT = INDENT + ' '.repeat(BADGE_WIDTH + 2)

/** A lone carriage return would let a message overwrite its own line, so only tabs survive. */
function clean(s: string): string {
  return escapeControls(s, '\t')
}

/** Text with newlines and tabs folded too, for one-line fields. */
function cleanLine(s: string): string {
  return clean(s.replace(/\r?\n|\t/g, ' '))
}

/** The report for a terminal: per cluster, most urgent first, then a summary and the errors. */
export function renderTable(report: Report, ctx: ReportContext): string {
  return renderChunks(tableChunks(ctx), report)
}

/** {@link renderTable} cluster by cluster: a section per cluster as it is done, the summary at the end. */
export function tableChunks(ctx: ReportContext): ChunkRenderer {
  const paint = (text: string, ...styles: Style[]): string => {
    if (!ctx.color || styles.length === 0) return text
    return styles.reduce((t, s) => `\u001b[${CODES[s][0]}m${t}\u001b[${CODES[s][1]}m`, text)
  }
  const total: Record<Severity, number> = { critical: 0, warning: 0, info: 0 }
  const names = new Set<string>()
  return {
    order: 'target',
    cluster(part: ReportPart): string {
      // Two inputs of one name share a section, headed by the last (as a Map by name keeps it).
      const cluster = part.clusters[part.clusters.length - 1]!
      const findings = bySeverity(part.findings)
      const counts = countBySeverity(findings)
      for (const c of part.clusters) names.add(c.name)
      for (const f of findings) {
        names.add(f.cluster)
        total[f.severity]++
      }
      const parts = [
        paint(cluster.status, STATUS_STYLE[cluster.status]),
        plural(cluster.objects, 'object'),
        `${cluster.skipped.length} skipped`,
        plural(findings.length, 'finding'),
      ]
      if (findings.length > 0)
        parts.push(`${counts.critical} critical, ${counts.warning} warning, ${counts.info} info`)
      const source = cluster.source ? ` ${paint(`(${cleanLine(cluster.source)})`, 'dim')}` : ''
      const lines = [`${paint(cleanLine(cluster.name), 'bold')}${source}: ${parts.join(' · ')}`]
      if (cluster.skipped.length > 0)
        lines.push(
          `${INDENT}${paint(`skipped (data missing): ${cluster.skipped.map(cleanLine).join(', ')}`, 'dim')}`,
        )
      if (findings.length === 0) lines.push(`${INDENT}${paint('no findings', 'green')}`)
      for (const f of findings) {
        const badge = paint(f.severity.toUpperCase().padEnd(BADGE_WIDTH), ...SEVERITY_STYLE[f.severity])
        lines.push(
          `${INDENT}${badge}  ${paint(cleanLine(f.detector), 'magenta')}  ${cleanLine(objectLabel(f.object))}`,
        )
        for (const l of f.message.split(/\r?\n/)) lines.push(`${MESSAGE_INDENT}${clean(l)}`)
      }
      lines.push('')
      return lines.join('\n') + '\n'
    },
    end(tail: ReportTail): string {
      for (const c of tail.clusters) names.add(c.name)
      const errors = allErrors(tail)
      const lines = [paint(summaryText(total, names.size, errors.length), 'bold')]
      if (errors.length > 0) {
        lines.push('', paint('Errors:', 'bold', 'red'))
        for (const { error, cluster } of errors) {
          const where = cluster === undefined ? '' : `[${cleanLine(cluster)}] `
          const code = error.code ? ` ${paint(error.code, 'dim')}` : ''
          lines.push(
            `${INDENT}${where}${cleanLine(errorLocation(error))}${code}: ${cleanLine(error.message)}`,
          )
        }
      }
      return lines.join('\n') + '\n'
    },
  }
}
