import type { Finding, Report } from '../core/types.js'
import type { ReportContext } from '../report/common.js'
import { renderJson } from '../report/json.js'
import { activeSilenceFor, expiringSoon, isActive, type Silence } from './silences.js'

/** The silence a silenced finding is under, as reports show it. */
export interface SilenceRef {
  id: string
  owner: string
  reason: string
  ticket?: string
  expiresAt: string
}

/** A finding kept out of the open findings by a silence. */
export interface SilencedFinding extends Finding {
  silence: SilenceRef
}

/** A report whose silenced findings are counted apart: `findings` holds only the open ones. */
export interface ReportWithSilences extends Report {
  silenced: SilencedFinding[]
}

/** The reference a report carries for a silence. */
export function silenceRef(s: Silence): SilenceRef {
  return {
    id: s.id,
    owner: s.owner,
    reason: s.reason,
    ...(s.ticket !== undefined ? { ticket: s.ticket } : {}),
    expiresAt: s.expiresAt,
  }
}

/**
 * Splits a report's findings into open and silenced at `now`: a finding matched by a silence in
 * force moves to `silenced` (with the silence) and leaves `findings`, so nothing downstream (exit
 * code, formats, counts) can mix them. `clusterLabels` gives a cluster's labels (fleet.yaml);
 * `objectLabels` gives the labels of a finding's object, undefined when unknown (an objectLabels
 * matcher then does not match). Pure: the report passed in is not changed.
 */
export function applySilences(
  report: Report,
  silences: readonly Silence[],
  clusterLabels: (cluster: string) => Record<string, string> | undefined,
  objectLabels: (finding: Finding) => Record<string, string> | undefined,
  now: Date,
): ReportWithSilences {
  const live = silences.filter((s) => isActive(s, now))
  const findings: Finding[] = []
  const silenced: SilencedFinding[] = []
  const needObjectLabels = live.some((s) => s.matchers.objectLabels !== undefined)
  for (const f of report.findings) {
    const s = live.length
      ? activeSilenceFor(
          live,
          {
            detector: f.detector,
            cluster: f.cluster,
            clusterLabels: clusterLabels(f.cluster),
            namespace: f.object.namespace,
            objectLabels: needObjectLabels ? objectLabels(f) : undefined,
          },
          now,
        )
      : undefined
    if (s) silenced.push({ ...f, silence: silenceRef(s) })
    else findings.push(f)
  }
  return { ...report, findings, silenced }
}

/**
 * The JSON report with its `silenced` array beside `findings` (an additive field: each entry is a
 * finding as in `findings`, plus the `silence` that holds it), keys in schema order.
 */
export function renderJsonWithSilences(report: ReportWithSilences, ctx?: ReportContext): string {
  const main = JSON.parse(renderJson(report, ctx)) as Record<string, unknown>
  // The silenced findings go through the same renderer, so both lists have one shape.
  const extra = JSON.parse(
    renderJson({ ...report, clusters: [], errors: [], findings: report.silenced }, ctx),
  ) as { findings: Record<string, unknown>[] }
  const silenced = extra.findings.map((f, i) => ({ ...f, silence: report.silenced[i]!.silence }))
  const doc = {
    version: main.version,
    generatedAt: main.generatedAt,
    clusters: main.clusters,
    findings: main.findings,
    silenced,
    errors: main.errors,
  }
  return JSON.stringify(doc, null, 2) + '\n'
}

/** One line for the table summary: how many findings silences hold, or '' when none. */
export function silencedSummary(report: ReportWithSilences): string {
  const ids = new Map<string, number>()
  for (const f of report.silenced) ids.set(f.silence.id, (ids.get(f.silence.id) ?? 0) + 1)
  return silencedSummaryOf(ids)
}

/** {@link silencedSummary} from the count of findings each silence holds (a streamed scan's counters). */
export function silencedSummaryOf(ids: ReadonlyMap<string, number>): string {
  const n = [...ids.values()].reduce((a, b) => a + b, 0)
  if (n === 0) return ''
  const top = [...ids]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 5)
    .map(([id, k]) => `${id} ${k}`)
    .join(', ')
  return `${n} silenced (not counted; --format json lists them under "silenced"; by silence: ${top}).\n`
}

/** Lines for stderr about silences that have ended or end within `withinMs` (so they are renewed or removed). */
export function silenceNotices(silences: readonly Silence[], now: Date, withinMs: number): string {
  const lines: string[] = []
  const ended = silences.filter((s) => !isActive(s, now))
  if (ended.length)
    lines.push(
      `kubedac: ${ended.length} silence(s) have expired and no longer silence anything: ${ended.map((s) => `${s.id} (${s.expiresAt})`).join(', ')}`,
    )
  const soon = expiringSoon(silences, now, withinMs)
  if (soon.length)
    lines.push(
      `kubedac: ${soon.length} silence(s) expire within ${Math.round(withinMs / 86_400_000)} days: ${soon.map((s) => `${s.id} (${s.expiresAt}, ${s.owner})`).join(', ')}`,
    )
  return lines.map((l) => l + '\n').join('')
}
