import { Command, Option } from 'commander'
import { KubedacError, errorMessage } from '../../core/errors.js'
import { SEVERITIES, severityRank, type Finding, type Report, type Severity } from '../../core/types.js'
import { defaultConcurrency, scanStream, type ScannedCluster } from '../../pipeline.js'
import {
  REPORT_FORMATS,
  STREAMED_FORMATS,
  chunkRenderer,
  isBrokenPipe,
  openReportFile,
  renderReport,
  streamWriter,
  writePart,
  type ChunkWriter,
  type ReportContext,
  type ReportFormat,
  type ReportPart,
} from '../../report/index.js'
import { silencedSummaryOf, type SilencedFinding } from '../../silences/apply.js'
import type { ScanSilencer } from '../../silences/scan.js'
import { scanSilencer } from '../../silences/scan.js'
import type { ClusterTarget } from '../../collect/define.js'
import { VERSION, loadRegistry, parseNow, resolveAllTargets } from '../context.js'
import { scanProgress } from '../progress.js'

const collect = (v: string, prev: string[] = []) => [...prev, v]

/** One line on the info (hygiene) findings a table leaves out, with the detectors that gave most. */
export function infoSummary(report: Report): string {
  const counts = new Map<string, number>()
  countInfo(report.findings, counts)
  return infoSummaryOf(counts)
}

function countInfo(findings: readonly Finding[], counts: Map<string, number>): void {
  for (const f of findings)
    if (f.severity === 'info') counts.set(f.detector, (counts.get(f.detector) ?? 0) + 1)
}

/** {@link infoSummary} from the info findings counted per detector. */
function infoSummaryOf(counts: ReadonlyMap<string, number>): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  if (total === 0) return ''
  const top = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ')
  return `${total} info findings (hygiene) not listed; --min-severity info lists them (most: ${top}).\n`
}

/**
 * What `kubedac scan` keeps across clusters: counters for the exit code and the table's closing
 * lines, and, for a format that needs the whole report, the findings it shows.
 */
interface Tally {
  /** An open (not silenced) finding at or above --fail-on was met. */
  failing: boolean
  info: Map<string, number>
  silenced: Map<string, number>
  whole: Finding[]
}

/** Splits one cluster's findings into open, silenced and shown, counting what the end needs. */
function judge(
  part: ScannedCluster,
  tally: Tally,
  o: { silencer: ScanSilencer | undefined; targets: readonly ClusterTarget[]; failOn: number; min: number },
): ReportPart {
  let open: readonly Finding[] = part.findings
  let silenced: SilencedFinding[] | undefined
  if (o.silencer) {
    const split = o.silencer.apply(
      { version: 1, generatedAt: '', clusters: part.clusters, findings: part.findings, errors: [] },
      o.targets,
    )
    open = split.findings
    silenced = split.silenced
    for (const f of silenced) tally.silenced.set(f.silence.id, (tally.silenced.get(f.silence.id) ?? 0) + 1)
  }
  if (open.some((f) => severityRank(f.severity) >= o.failOn)) tally.failing = true
  countInfo(open, tally.info)
  const findings = open.filter((f) => severityRank(f.severity) >= o.min)
  return { clusters: part.clusters, findings, ...(silenced ? { silenced } : {}) }
}

/** Where the report goes: a file renamed into place when complete, or stdout. */
async function reportOutput(
  path: string | undefined,
): Promise<{ write: ChunkWriter; commit(): Promise<void>; abort(): Promise<void> }> {
  if (path) return openReportFile(path)
  const out = streamWriter(process.stdout)
  return { write: out.write, commit: async () => undefined, abort: async () => undefined }
}

/** A whole report as text, with a clear error when it is larger than one string can hold. */
function renderWhole(format: ReportFormat, report: Report, ctx: ReportContext): string {
  try {
    return renderReport(format, report, ctx)
  } catch (e) {
    if (!(e instanceof RangeError)) throw e
    throw new KubedacError(
      'KDAC_E_WRITE',
      `the ${format} report of ${report.findings.length} findings is too large to render at once (${errorMessage(e)}); --format ${STREAMED_FORMATS.join(', ')} are written cluster by cluster, or raise --min-severity`,
    )
  }
}

/** `kubedac scan`: collect, detect, report; exit 0/1 by --fail-on, 2 when nothing could be scanned. */
export function scanCommand(): Command {
  return new Command('scan')
    .description('scan files, dumps, manifests or a fleet folder for known issues')
    .argument('[inputs...]', 'files or folders (a folder of sub-folders is a fleet), or - for stdin')
    .option('--kubeconfig <path>', 'scan live clusters from this kubeconfig (several paths: as KUBECONFIG)')
    .option('--context <name>', 'the kubeconfig context to scan (default: the current one)')
    .option('--all-contexts', 'scan every context of the kubeconfig')
    .option(
      '--fleet <file>',
      'scan the clusters of a fleet file (fleet.yaml: live contexts and dumps, with labels)',
    )
    .option('--in-cluster', "scan the pod's own cluster with its service account (default in a pod)")
    .option(
      '--capi-kubeconfig <path>',
      'scan the workload clusters of this Cluster API management cluster (reads their <name>-kubeconfig Secrets)',
    )
    .option('--capi-context <name>', 'the management cluster context (default: the current one)')
    .option('--capi-namespace <ns>', 'only Cluster API clusters in this namespace')
    .option(
      '--capi-in-cluster',
      "the management cluster is the pod's own cluster (in-cluster service account)",
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]).default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this (none: never)')
        .choices([...SEVERITIES, 'none'])
        .default('critical'),
    )
    .addOption(
      new Option('--min-severity <severity>', 'report findings at or above this')
        .choices([...SEVERITIES])
        .default('info'),
    )
    .option('--detectors <dir>', 'load more detectors from a directory (YAML, JS, TS); repeatable', collect)
    .option('--collectors <dir>', 'load collectors from a directory; repeatable', collect)
    .option('--enable <id>', 'enable a detector or category (comma-separated; repeatable)', collect)
    .option('--disable <id>', 'disable a detector or category (comma-separated; repeatable)', collect)
    .option('-c, --config <file>', 'configuration file (default: ./kubedac.yaml if present)')
    .option('--cluster <name>', 'name the cluster (all inputs become one cluster)')
    .option(
      '--silences <file>',
      'silences.yaml: matching findings are reported apart and ignored by --fail-on',
    )
    .option('--silences-max-days <days>', 'refuse silences that end further ahead than this (default 90)')
    .option('--now <time>', "judge time-based rules at this instant (default: the dump's newest timestamp)")
    .option(
      '--concurrency <n>',
      'clusters scanned at once (default: 128 for live clusters, fewer when they are big; 2 for files)',
      (v) => Number.parseInt(v, 10),
    )
    .option('--no-color', 'no colour in table output')
    .option('--progress', 'progress bar and summary on stderr even when it is not a terminal')
    .option('--no-progress', 'no progress bar or summary (default: shown when stderr is a terminal)')
    .addHelpText(
      'after',
      `
Examples:
  kubedac scan examples/fleet                        scan every cluster of a fleet folder
  kubectl cluster-info dump | kubedac scan -         scan a dump from stdin
  kubedac scan --all-contexts                        scan every cluster of your kubeconfig (read-only)
  kubedac scan --capi-kubeconfig mgmt.yaml           scan the workload clusters of a Cluster API management cluster
  kubedac scan --in-cluster --format json            scan the pod's own cluster (a Job or CronJob, deploy/)
  kubedac scan ./rendered --format sarif -o kubedac.sarif --fail-on warning
  kubedac scan dump/ --disable security --now 2026-03-01T12:00:00Z
Report: table, json and policyreport are written cluster by cluster as each is scanned, so memory
follows the clusters in flight, not the fleet; sarif, junit, markdown and html open with totals or
an index of every finding, so they keep the findings they show until the end (for fleets of
hundreds of thousands of findings, use json or raise --min-severity). --output is written to a
temporary file beside it and renamed into place when complete.
Exit codes: 0 no finding at or above --fail-on (or --fail-on none); 1 some; 2 usage or input errors with nothing scanned;
141 the reader of the report went away (kubedac scan | head).`,
    )
    .action(async (inputs: string[], o, command: Command) => {
      const now = parseNow(o.now)
      if (o.concurrency !== undefined && (!Number.isInteger(o.concurrency) || o.concurrency < 1))
        throw new KubedacError('KDAC_E_USAGE', '--concurrency must be a whole number of at least 1')
      const reg = await loadRegistry(o)
      const silencer = await scanSilencer(o, reg.config, now)
      const { targets, errors: inputErrors } = await resolveAllTargets(inputs, o)
      const progress = scanProgress({
        total: targets.length,
        live: targets.some((t) => t.kube),
        ...(typeof o.progress === 'boolean' ? { progress: o.progress } : {}),
      })
      const format = o.format as ReportFormat
      // A terminal shows what needs action; hygiene (info) is counted unless asked for by name.
      const hideInfo = format === 'table' && command.getOptionValueSource('minSeverity') === 'default'
      const min: Severity = hideInfo ? 'warning' : (o.minSeverity as Severity)
      const ctx: ReportContext = {
        detectors: new Map(reg.all.map((d) => [d.meta.id, d.meta])),
        color: !o.output && o.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR,
        toolVersion: VERSION,
      }
      // Formats that can are written cluster by cluster and their findings dropped; the others keep
      // the findings they show until the end (see --help).
      const renderer = chunkRenderer(format, ctx, {
        generatedAt: new Date().toISOString(),
        silenced: silencer !== undefined,
      })
      const tally: Tally = { failing: false, info: new Map(), silenced: new Map(), whole: [] }
      const failOn = o.failOn === 'none' ? Infinity : severityRank(o.failOn as Severity)
      const out = await reportOutput(o.output)
      let clusters
      let errors
      try {
        clusters = await scanStream({
          targets,
          detectors: reg.enabled,
          collectors: reg.collectors,
          config: reg.config,
          concurrency: o.concurrency ?? defaultConcurrency(targets),
          order: renderer?.order ?? 'name',
          ...(now ? { now } : {}),
          onCluster: (c, done) => progress.cluster(c, done),
          ...(silencer?.onSnapshot ? { onSnapshot: silencer.onSnapshot } : {}),
          emit: async (part) => {
            // Silenced findings leave `findings` here, so no format, count or exit code can mix them in.
            const shown = judge(part, tally, { silencer, targets, failOn, min: severityRank(min) })
            if (renderer) await writePart(renderer, shown, out.write)
            else for (const f of shown.findings) tally.whole.push(f)
          },
        })
        progress.finish(clusters)
        if (silencer?.notices) process.stderr.write(silencer.notices)
        errors = [...reg.errors, ...inputErrors, ...clusters.flatMap((c) => c.errors)]
        const tail = { generatedAt: new Date().toISOString(), clusters, errors }
        let text = renderer
          ? renderer.end(tail)
          : renderWhole(format, { version: 1, ...tail, findings: tally.whole }, ctx)
        if (hideInfo) text += infoSummaryOf(tally.info)
        if (silencer && format === 'table') text += silencedSummaryOf(tally.silenced)
        // Every renderer ends its text with a newline (report/index.ts).
        await out.write(text)
        await out.commit()
      } catch (e) {
        // The reader went away (`| head`): stop quietly, as a process killed by SIGPIPE would.
        await out.abort()
        if (isBrokenPipe(e)) {
          process.exitCode = 141
          return
        }
        throw e
      }
      const objects = clusters.reduce((n, c) => n + c.objects, 0)
      if (objects === 0 && errors.length > 0) {
        process.stderr.write(`kubedac: nothing could be scanned (${errors.length} errors)\n`)
        process.exitCode = 2
        return
      }
      process.exitCode = tally.failing ? 1 : 0
    })
}
