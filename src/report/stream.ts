import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Writable } from 'node:stream'
import { KubedacError, errorMessage } from '../core/errors.js'
import type { ClusterResult, Finding, Report, ScanError } from '../core/types.js'

// A fleet's report can be larger than a JavaScript string holds (~0.5 GiB) and its findings larger
// than memory: formats that can are written cluster by cluster as the scan goes (ChunkRenderer),
// through a writer that waits when the output is slow (backpressure), and the findings dropped.

/**
 * The order a streamed format takes its clusters in: `name` (the JSON report's findings are sorted by
 * cluster name) or `target` (per-cluster sections in the report's `clusters` order).
 */
export type ClusterOrder = 'name' | 'target'

/** A finding held by a silence, as the JSON report's `silenced` array shows it. */
export type SilencedEntry = Finding & { silence: object }

/** One cluster name's part of a report: the clusters of that name (usually one) and their findings. */
export interface ReportPart {
  clusters: readonly ClusterResult[]
  /** The findings to show, in report order. */
  findings: readonly Finding[]
  /** Findings silences hold (`--silences`); only the JSON report lists them. */
  silenced?: readonly SilencedEntry[]
}

/** What a report needs once every cluster is done. */
export interface ReportTail {
  generatedAt: string
  /** Every cluster, in report order. */
  clusters: readonly ClusterResult[]
  /** Every error: inputs first, then each cluster's (as {@link Report.errors}). */
  errors: readonly ScanError[]
}

/**
 * A format written part by part: `cluster` turns one part into text as it comes, `end` writes what
 * follows every part (counts, summaries, the clusters). Holds counters between parts, never findings.
 * A renderer serves one report.
 */
export interface ChunkRenderer {
  readonly order: ClusterOrder
  cluster(part: ReportPart): string
  /**
   * The text of `cluster(part)` in pieces of tens of KB, each made only when the one before is
   * written ({@link writePart}): a huge cluster's part is never whole as one string, and what is
   * made for a piece dies young. Formats without it write `cluster`'s text.
   */
  pieces?(part: ReportPart): Iterable<string>
  end(tail: ReportTail): string
}

/**
 * Writes one part of a report through `renderer`: piece by piece where it renders so, the next piece
 * made once the one before is written. Returns the characters written.
 */
export async function writePart(
  renderer: ChunkRenderer,
  part: ReportPart,
  write: ChunkWriter,
): Promise<number> {
  let chars = 0
  for (const piece of renderer.pieces ? renderer.pieces(part) : [renderer.cluster(part)]) {
    chars += piece.length
    await write(piece)
  }
  return chars
}

/** The parts a finished report splits into, in a renderer's order: what a streamed scan would emit. */
export function reportParts(report: Report, order: ClusterOrder): ReportPart[] {
  if (order === 'name') return [{ clusters: [], findings: report.findings }]
  // A finding naming a cluster the report does not list still gets a part: nothing is dropped.
  const parts = new Map<string, { clusters: ClusterResult[]; findings: Finding[] }>()
  for (const c of report.clusters) {
    const p = parts.get(c.name)
    if (p) p.clusters.push(c)
    else parts.set(c.name, { clusters: [c], findings: [] })
  }
  for (const f of report.findings) {
    let p = parts.get(f.cluster)
    if (!p) {
      const cluster: ClusterResult = {
        name: f.cluster,
        source: '',
        status: 'scanned',
        objects: 0,
        skipped: [],
        errors: [],
      }
      parts.set(f.cluster, (p = { clusters: [cluster], findings: [] }))
    }
    p.findings.push(f)
  }
  return [...parts.values()]
}

/** A whole report through a chunk renderer, as one string: the same text a streamed scan writes. */
export function renderChunks(renderer: ChunkRenderer, report: Report): string {
  const out = reportParts(report, renderer.order).map((p) => renderer.cluster(p))
  out.push(renderer.end(report))
  return out.join('')
}

/** Writes text to an output, waiting while it is full; rejects with the output's error. */
export type ChunkWriter = (chunk: string) => Promise<void>

/** Whether an error means the reader of our output went away (`kubedac scan | head`). */
export function isBrokenPipe(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED'
}

/**
 * A writer onto a stream that honours its backpressure (waits for `drain`) and turns the stream's
 * first error into a rejection of this and every later write, instead of an unhandled 'error' event.
 */
export function streamWriter(stream: Writable): { write: ChunkWriter; failed: () => Error | undefined } {
  let error: Error | undefined
  const onError = (e: Error) => {
    error ??= e
  }
  stream.on('error', onError)
  const write: ChunkWriter = (chunk) => {
    if (error) return Promise.reject(error)
    if (chunk === '') return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const settle = () => {
        stream.off('drain', settle)
        stream.off('error', settle)
        stream.off('close', settle)
        if (error) reject(error)
        else resolve()
      }
      if (stream.write(chunk)) {
        // Written to the buffer; an error from it would come later and fail the next write.
        resolve()
        return
      }
      stream.once('drain', settle)
      stream.once('error', settle)
      stream.once('close', settle)
    })
  }
  return { write, failed: () => error }
}

/** A report file being written: renamed into place by `commit`, removed by `abort`. */
export interface ReportFile {
  write: ChunkWriter
  /** Flushes and renames the file into place: a reader never sees half a report. */
  commit(): Promise<void>
  /** Removes the partial file (after a failure). */
  abort(): Promise<void>
}

/**
 * Opens `path` for a report: the text goes to a temporary file beside it, renamed over `path` on
 * commit. Errors name the file (`KDAC_E_WRITE`).
 */
export async function openReportFile(path: string): Promise<ReportFile> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  const named = (e: unknown) =>
    e instanceof KubedacError
      ? e
      : new KubedacError('KDAC_E_WRITE', `${path}: ${errorMessage(e).replaceAll(temp, path)}`, {
          source: path,
          cause: e,
        })
  const stream = createWriteStream(temp, { flags: 'wx' })
  // A folder that does not exist or cannot be written fails here, before any cluster is scanned.
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve())
    stream.once('error', (e) => reject(named(e)))
  })
  const out = streamWriter(stream)
  return {
    write: (chunk) => out.write(chunk).catch((e: unknown) => Promise.reject(named(e))),
    async commit() {
      await new Promise<void>((resolve, reject) => {
        const failed = out.failed()
        if (failed) return reject(named(failed))
        stream.once('error', (e) => reject(named(e)))
        stream.end(() => resolve())
      })
      try {
        await rename(temp, path)
      } catch (e) {
        await unlink(temp).catch(() => undefined)
        throw named(e)
      }
    },
    async abort() {
      stream.destroy()
      await unlink(temp).catch(() => undefined)
    },
  }
}
