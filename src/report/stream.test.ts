import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { hostileReport, sampleContext, sampleReport } from '../../test/fixtures/report/sample.js'
import type { Finding, Report } from '../core/types.js'
import { renderJsonWithSilences } from '../silences/apply.js'
import { chunkRenderer, REPORT_FORMATS, STREAMED_FORMATS } from './index.js'
import { jsonChunks, renderJson } from './json.js'
import {
  isBrokenPipe,
  openReportFile,
  renderChunks,
  reportParts,
  streamWriter,
  writePart,
  type ChunkRenderer,
  type ReportPart,
} from './stream.js'

const dir = mkdtempSync(join(tmpdir(), 'kubedac-stream-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The report's findings cut into one part per cluster, in name order, as a streamed scan emits them. */
function byClusterName(report: Report): ReportPart[] {
  const names = [...new Set(report.findings.map((f) => f.cluster))].sort()
  return names.map((n) => ({ clusters: [], findings: report.findings.filter((f) => f.cluster === n) }))
}

describe('the JSON report written cluster by cluster', () => {
  for (const [name, report] of [
    ['the sample report', sampleReport()],
    ['a report of hostile text', hostileReport()],
  ] as const)
    it(`parses to the document renderJson gives, for ${name}`, () => {
      const json = jsonChunks()
      const text =
        byClusterName(report)
          .map((p) => json.cluster(p))
          .join('') + json.end(report)
      expect(JSON.parse(text)).toEqual(JSON.parse(renderJson(report)))
      expect(text.endsWith('}\n')).toBe(true)
    })

  it('parses to the same document for a report without findings or clusters', () => {
    const empty: Report = {
      version: 1,
      generatedAt: '2026-01-01T00:00:00Z',
      clusters: [],
      findings: [],
      errors: [],
    }
    expect(JSON.parse(renderChunks(jsonChunks(), empty))).toEqual(JSON.parse(renderJson(empty)))
  })

  it('writes evidence that JSON.stringify refuses (BigInt, cycles) as renderJson does', () => {
    const report = sampleReport()
    const cyclic: Record<string, unknown> = { big: 2n ** 70n }
    cyclic.self = cyclic
    report.findings[0]!.evidence = cyclic
    expect(JSON.parse(renderChunks(jsonChunks(), report))).toEqual(JSON.parse(renderJson(report)))
  })

  it('writes a cluster of thousands of findings in slices that join into the same text', () => {
    const report = sampleReport()
    const many = Array.from({ length: 2_345 }, (_, i) => ({
      ...report.findings[i % report.findings.length]!,
      fingerprint: `f${i}`,
      cluster: 'big',
    }))
    many[1_500]!.evidence = { big: 2n ** 70n }
    const big: Report = { ...report, findings: many }
    const text = renderChunks(jsonChunks(), big)
    expect(JSON.parse(text)).toEqual(JSON.parse(renderJson(big)))
    // The same indentation as the whole report's, at the seams between slices too.
    const opens = (t: string) => t.split('\n').filter((l) => l === '    {').length
    expect(opens(text)).toBe(opens(renderJson(big)))
  })

  it('writes a huge part piece by piece, each made once the one before is written', async () => {
    const report = sampleReport()
    const many = Array.from({ length: 2_345 }, (_, i) => ({
      ...report.findings[i % report.findings.length]!,
      fingerprint: `f${i}`,
      cluster: 'big',
    }))
    const json = jsonChunks()
    const written: string[] = []
    let pending = 0
    const write = async (piece: string) => {
      // The renderer makes nothing while a piece is being written.
      expect(pending).toBe(0)
      pending++
      await new Promise((r) => setImmediate(r))
      written.push(piece)
      pending--
    }
    const chars = await writePart(json, { clusters: [], findings: many }, write)
    const text = written.join('') + json.end({ generatedAt: report.generatedAt, clusters: [], errors: [] })
    expect(chars).toBe(written.join('').length)
    expect(JSON.parse(text)).toEqual(
      JSON.parse(renderJson({ ...report, findings: many, clusters: [], errors: [] })),
    )
    expect(written.length).toBeGreaterThan(40)
    expect(Math.max(...written.map((p) => p.length))).toBeLessThan(100_000)
    // A format without pieces writes its part whole.
    const table = chunkRenderer('table', sampleContext(), { generatedAt: report.generatedAt })!
    const whole: string[] = []
    await writePart(
      { ...table, pieces: undefined } as ChunkRenderer,
      { clusters: report.clusters.slice(0, 1), findings: many },
      async (p) => {
        whole.push(p)
      },
    )
    expect(whole).toHaveLength(1)
  })

  it('lists silenced findings apart, as the whole report with silences does', () => {
    const report = sampleReport()
    const silence = { id: 's1', owner: 'team', reason: 'r', expiresAt: '2030-01-01T00:00:00Z' }
    const [held, ...open] = report.findings
    const silenced = [{ ...held!, silence }]
    const json = jsonChunks({ silenced: true })
    const text =
      json.cluster({ clusters: [], findings: open.slice(0, 1), silenced }) +
      json.cluster({ clusters: [], findings: open.slice(1) }) +
      json.end(report)
    const whole = renderJsonWithSilences({ ...report, findings: open, silenced })
    expect(JSON.parse(text)).toEqual(JSON.parse(whole))
  })
})

describe('chunk renderers', () => {
  it('stream json, table and policyreport; the other formats need the whole report', () => {
    const streamed = REPORT_FORMATS.filter(
      (f) => chunkRenderer(f, sampleContext(), { generatedAt: '2026-01-01T00:00:00Z' }) !== undefined,
    )
    expect(streamed).toEqual([...STREAMED_FORMATS])
  })

  it('cut a report into one part per cluster in report order, findings of unlisted clusters too', () => {
    const report = sampleReport()
    const stray: Finding = { ...report.findings[0]!, cluster: 'not-listed' }
    const parts = reportParts({ ...report, findings: [...report.findings, stray] }, 'target')
    expect(parts.map((p) => p.clusters[0]!.name)).toEqual([
      ...report.clusters.map((c) => c.name),
      'not-listed',
    ])
    expect(parts.flatMap((p) => p.findings)).toHaveLength(report.findings.length + 1)
  })
})

/** A stream that takes `ms` per write and holds at most `highWaterMark` bytes before saying it is full. */
function slowStream(ms: number, highWaterMark: number): { stream: Writable; received: string[] } {
  const received: string[] = []
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      setTimeout(() => {
        received.push(chunk.toString())
        done()
      }, ms)
    },
  })
  return { stream, received }
}

describe('streamWriter', () => {
  it('waits while the output is full, so no more than its buffer is ever held', async () => {
    const { stream, received } = slowStream(2, 64)
    const { write } = streamWriter(stream)
    let most = 0
    for (let i = 0; i < 40; i++) {
      await write('x'.repeat(50) + i)
      most = Math.max(most, stream.writableLength)
    }
    // Without waiting for 'drain', 40 writes would pile up ~2 KB here.
    expect(most).toBeLessThan(64)
    await new Promise<void>((resolve) => stream.end(resolve))
    expect(received.join('')).toContain('x39')
  })

  it('turns a reader that went away (EPIPE) into a rejected write, not an unhandled error', async () => {
    const head = spawn('head', ['-c', '10'], { stdio: ['pipe', 'ignore', 'ignore'] })
    const { write } = streamWriter(head.stdin)
    const chunk = 'y'.repeat(1 << 16)
    let error: unknown
    try {
      for (let i = 0; i < 10_000; i++) await write(chunk)
    } catch (e) {
      error = e
    }
    expect(isBrokenPipe(error)).toBe(true)
    // Every later write fails the same way.
    await expect(write('more')).rejects.toBe(error)
  })
})

describe('openReportFile', () => {
  it('shows the report under its name only once complete, replacing the old one whole', async () => {
    const path = join(dir, 'report.json')
    writeFileSync(path, 'old report')
    const file = await openReportFile(path)
    await file.write('{"part": 1,')
    await file.write('"part2": 2}\n')
    expect(readFileSync(path, 'utf8')).toBe('old report')
    await file.commit()
    expect(readFileSync(path, 'utf8')).toBe('{"part": 1,"part2": 2}\n')
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('leaves the old report and no partial file when a scan is abandoned', async () => {
    const path = join(dir, 'kept.json')
    writeFileSync(path, 'previous')
    const file = await openReportFile(path)
    await file.write('half a rep')
    await file.abort()
    expect(readFileSync(path, 'utf8')).toBe('previous')
    expect(readdirSync(dir).filter((f) => f.includes('kept.json') && f.endsWith('.tmp'))).toEqual([])
  })

  it('fails before anything is scanned when the folder cannot be written, naming the file', async () => {
    const path = join(dir, 'no-such-folder', 'report.json')
    await expect(openReportFile(path)).rejects.toMatchObject({
      code: 'KDAC_E_WRITE',
      message: expect.stringContaining(path),
    })
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false)
  })

  it('fails with a clear error, and leaves no partial file, when the report cannot take its name', async () => {
    // A folder where the report should go: the rename into place is refused.
    const path = join(dir, 'a-folder')
    mkdirSync(path)
    const file = await openReportFile(path)
    await file.write('{}\n')
    await expect(file.commit()).rejects.toMatchObject({
      code: 'KDAC_E_WRITE',
      message: expect.stringContaining(path),
    })
    expect(readdirSync(dir).filter((f) => f.includes('a-folder') && f.endsWith('.tmp'))).toEqual([])
  })
})
