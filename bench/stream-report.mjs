// The JSON report streamed to a temp file as `kubedac scan --format json -o FILE` writes it: each
// cluster's findings written as it is done, then dropped. Shared by bench:engine and bench:fleet.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Runs `scan(emit)` (a scanStream with that emit) and writes what it emits; `render: false` writes
 * nothing (the scan alone). Returns the clusters, the report's errors (`inputErrors` first) and what
 * was written: findings, characters and the milliseconds spent rendering them.
 */
export async function streamJsonReport(dist, scan, { inputErrors = [], render = true } = {}) {
  const { chunkRenderer, openReportFile } = await import(join(dist, 'report/index.js'))
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-bench-report-'))
  try {
    const out = render ? await openReportFile(join(dir, 'report.json')) : undefined
    const ctx = { detectors: new Map(), toolVersion: 'bench' }
    const json = chunkRenderer('json', ctx, { generatedAt: new Date().toISOString() })
    const stats = { findings: 0, bytes: 0, renderMs: 0 }
    const write = async (f) => {
      if (!out) return
      const r0 = performance.now()
      const text = f()
      stats.renderMs += performance.now() - r0
      stats.bytes += text.length
      await out.write(text)
    }
    // Piece by piece, as kubedac scan writes it (writePart), each piece's rendering timed.
    const clusters = await scan(async (part) => {
      stats.findings += part.findings.length
      const pieces = json.pieces(part)[Symbol.iterator]()
      for (;;) {
        let piece
        await write(() => {
          piece = pieces.next()
          return piece.done ? '' : piece.value
        })
        if (piece.done) break
      }
    })
    const errors = [...inputErrors, ...clusters.flatMap((c) => c.errors)]
    await write(() => json.end({ generatedAt: new Date().toISOString(), clusters, errors }))
    await out?.commit()
    return { clusters, errors, ...stats }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
