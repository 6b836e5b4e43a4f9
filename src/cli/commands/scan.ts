import { writeFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { KubedacError } from '../../core/errors.js'
import { SEVERITIES, severityRank, type Report, type Severity } from '../../core/types.js'
import { defaultConcurrency, scan } from '../../pipeline.js'
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../report/index.js'
import { renderJsonWithSilences, silencedSummary } from '../../silences/apply.js'
import { scanSilencer } from '../../silences/scan.js'
import { VERSION, loadRegistry, parseNow, resolveAllTargets } from '../context.js'
import { scanProgress } from '../progress.js'

const collect = (v: string, prev: string[] = []) => [...prev, v]

/** One line on the info (hygiene) findings a table leaves out, with the detectors that gave most. */
export function infoSummary(report: Report): string {
  const counts = new Map<string, number>()
  for (const f of report.findings)
    if (f.severity === 'info') counts.set(f.detector, (counts.get(f.detector) ?? 0) + 1)
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  if (total === 0) return ''
  const top = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ')
  return `${total} info findings (hygiene) not listed; --min-severity info lists them (most: ${top}).\n`
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
Exit codes: 0 no finding at or above --fail-on (or --fail-on none); 1 some; 2 usage or input errors with nothing scanned.`,
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
      const report = await scan({
        targets,
        detectors: reg.enabled,
        collectors: reg.collectors,
        config: reg.config,
        concurrency: o.concurrency ?? defaultConcurrency(targets),
        inputErrors: [...reg.errors, ...inputErrors],
        ...(now ? { now } : {}),
        onCluster: (c, done) => progress.cluster(c, done),
        ...(silencer?.onSnapshot ? { onSnapshot: silencer.onSnapshot } : {}),
      })
      progress.finish(report.clusters)
      // Silenced findings leave `findings` here, so no format, count or exit code can mix them in.
      const silenced = silencer?.apply(report, targets)
      const open: Report = silenced ?? report
      if (silencer?.notices) process.stderr.write(silencer.notices)
      // A terminal shows what needs action; hygiene (info) is counted unless asked for by name.
      const hideInfo = o.format === 'table' && command.getOptionValueSource('minSeverity') === 'default'
      const min: Severity = hideInfo ? 'warning' : (o.minSeverity as Severity)
      const shown: Report = {
        ...open,
        findings: open.findings.filter((f) => severityRank(f.severity) >= severityRank(min)),
      }
      const ctx = {
        detectors: new Map(reg.all.map((d) => [d.meta.id, d.meta])),
        color: !o.output && o.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR,
        toolVersion: VERSION,
      }
      let text =
        silenced && o.format === 'json'
          ? renderJsonWithSilences({ ...silenced, findings: shown.findings }, ctx)
          : renderReport(o.format as ReportFormat, shown, ctx)
      if (hideInfo) text = text.replace(/\n*$/, '\n') + infoSummary(open)
      if (silenced && o.format === 'table') text = text.replace(/\n*$/, '\n') + silencedSummary(silenced)
      if (o.output) await writeFile(o.output, text)
      else process.stdout.write(text.endsWith('\n') ? text : text + '\n')
      const objects = report.clusters.reduce((n, c) => n + c.objects, 0)
      if (objects === 0 && report.errors.length > 0) {
        process.stderr.write(`kubedac: nothing could be scanned (${report.errors.length} errors)\n`)
        process.exitCode = 2
        return
      }
      if (o.failOn === 'none') {
        process.exitCode = 0
        return
      }
      const failOn = severityRank(o.failOn as Severity)
      process.exitCode = open.findings.some((f) => severityRank(f.severity) >= failOn) ? 1 : 0
    })
}
