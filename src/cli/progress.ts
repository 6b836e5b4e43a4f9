import cliProgress from 'cli-progress'
import type { ClusterResult, ClusterStatus } from '../core/types.js'
import { UNREACHABLE_CODES } from '../pipeline.js'

/** How a scan reports its progress on stderr: a bar while it runs, a summary at the end. */
export interface ScanProgress {
  /** Counts one cluster as done. */
  cluster(result: ClusterResult, done: number): void
  /** Stops the bar and writes the summary (when shown). */
  finish(clusters: readonly ClusterResult[]): void
}

/** Options of {@link scanProgress}. */
export interface ScanProgressOptions {
  total: number
  /** Whether any target is a live cluster (the summary is for live scans). */
  live: boolean
  /** `--progress` (true: show even when stderr is not a terminal), `--no-progress` (false), or unset (auto). */
  progress?: boolean
  stream?: NodeJS.WriteStream
  /** Longest list of clusters per status in the summary. */
  maxListed?: number
}

/**
 * A progress bar (done/total, partial and unreachable so far, ETA) and an end-of-scan summary, on
 * stderr only: shown on a terminal for live scans, forced by `--progress`, never by default when
 * stderr is a pipe, so logs and `--format json` on stdout stay clean.
 */
export function scanProgress(o: ScanProgressOptions): ScanProgress {
  const stream = o.stream ?? process.stderr
  const shown = o.progress === true || (o.progress !== false && stream.isTTY === true)
  const bar =
    shown && (o.live || o.total > 1)
      ? new cliProgress.SingleBar(
          {
            format:
              'scanning {bar} {value}/{total} clusters | {partial} partial, {unreachable} unreachable | ETA {eta_formatted}',
            hideCursor: stream.isTTY === true,
            stream,
            // Forced on a pipe: drawn at the start and the end only (no redraw noise in logs).
            noTTYOutput: o.progress === true,
            notTTYSchedule: 60_000,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined
  const counts = { partial: 0, unreachable: 0 }
  const started = performance.now()
  bar?.start(o.total, 0, counts)
  return {
    cluster(result, done) {
      if (result.status === 'partial') counts.partial++
      if (result.status === 'unreachable') counts.unreachable++
      bar?.update(done, counts)
    },
    finish(clusters) {
      bar?.stop()
      if (shown && o.live)
        stream.write(
          scanSummary(clusters, {
            seconds: (performance.now() - started) / 1000,
            ...(o.maxListed !== undefined ? { maxListed: o.maxListed } : {}),
          }),
        )
    },
  }
}

/** Why a cluster was not fully scanned: its first reaching error (else its first error), without the name prefix. */
export function reasonOf(c: ClusterResult): string {
  const e = c.errors.find((x) => UNREACHABLE_CODES.has(x.code)) ?? c.errors[0]
  if (!e) return 'no reason recorded'
  const msg = e.message.startsWith(`${c.name}: `) ? e.message.slice(c.name.length + 2) : e.message
  const line = msg.split('\n')[0]!
  return line.length > 240 ? `${line.slice(0, 239)}…` : line
}

/**
 * The end-of-scan summary: counts by status, then the unreachable and partial clusters with their
 * reason (at most `maxListed` of each, default 10).
 */
export function scanSummary(
  clusters: readonly ClusterResult[],
  opts: { seconds?: number; maxListed?: number } = {},
): string {
  const max = opts.maxListed ?? 10
  const by = (s: ClusterStatus) => clusters.filter((c) => c.status === s)
  const time = opts.seconds === undefined ? '' : ` in ${opts.seconds.toFixed(1)} s`
  const lines = [
    `kubedac: ${clusters.length} cluster${clusters.length === 1 ? '' : 's'}${time}: ${by('scanned').length} scanned, ${by('partial').length} partial, ${by('unreachable').length} unreachable`,
  ]
  for (const status of ['unreachable', 'partial'] as const) {
    const list = by(status)
    for (const c of list.slice(0, max)) lines.push(`  ${status} ${c.name}: ${reasonOf(c)}`)
    if (list.length > max)
      lines.push(`  … and ${list.length - max} more ${status} (see the report's clusters)`)
  }
  return lines.join('\n') + '\n'
}
