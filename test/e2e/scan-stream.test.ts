import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadRegistry, resolveAllTargets, VERSION } from '../../src/cli/context.js'
import { infoSummary } from '../../src/cli/commands/scan.js'
import { severityRank, type Report, type Severity } from '../../src/core/types.js'
import { scan } from '../../src/pipeline.js'
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../../src/report/index.js'
import { renderJsonWithSilences, silencedSummary } from '../../src/silences/apply.js'
import { scanSilencer } from '../../src/silences/scan.js'
import { CLI, kubedac, ROOT, tempDir } from './helpers.js'

// `kubedac scan` writes its report cluster by cluster as the scan goes. These tests hold the built
// CLI's report to the one the whole-report path gives (scan(), then one render), format by format.

const FLEET = join(ROOT, 'examples', 'fleet')
const INPUTS = join(ROOT, 'test', 'fixtures', 'inputs')
const dir = tempDir('kubedac-stream-e2e-')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const silences = join(dir, 'silences.yaml')
writeFileSync(
  silences,
  `silences:
  - id: node-work
    matchers: { cluster: prod-eu-1, detector: "node-*" }
    owner: platform-team
    reason: node being replaced
    expiresAt: ${new Date(Date.now() + 5 * 86_400_000).toISOString()}
  - id: hygiene
    matchers: { detector: "~.*-missing.*" }
    owner: platform-team
    reason: not this quarter
    expiresAt: ${new Date(Date.now() + 5 * 86_400_000).toISOString()}
`,
)

interface Case {
  inputs: string[]
  format: ReportFormat
  minSeverity?: Severity
  silences?: boolean
}

/** The report as the whole-report path renders it: every finding kept, sorted, then one render (the code before streaming). */
async function wholeReport(c: Case): Promise<{ text: string; code: number }> {
  const o = { ...(c.silences ? { silences } : {}) }
  const reg = await loadRegistry({})
  const silencer = await scanSilencer(o, reg.config, undefined)
  const { targets, errors } = await resolveAllTargets(c.inputs, {})
  const report = await scan({
    targets,
    detectors: reg.enabled,
    collectors: reg.collectors,
    config: reg.config,
    concurrency: 2,
    inputErrors: [...reg.errors, ...errors],
  })
  const silenced = silencer?.apply(report, targets)
  const open: Report = silenced ?? report
  const hideInfo = c.format === 'table' && c.minSeverity === undefined
  const min = hideInfo ? 'warning' : (c.minSeverity ?? 'info')
  const shown = {
    ...open,
    findings: open.findings.filter((f) => severityRank(f.severity) >= severityRank(min)),
  }
  const ctx = {
    detectors: new Map(reg.all.map((d) => [d.meta.id, d.meta])),
    color: false,
    toolVersion: VERSION,
  }
  let text =
    silenced && c.format === 'json'
      ? renderJsonWithSilences({ ...silenced, findings: shown.findings }, ctx)
      : renderReport(c.format, shown, ctx)
  if (hideInfo) text += infoSummary(open)
  if (silenced && c.format === 'table') text += silencedSummary(silenced)
  const code = open.findings.some((f) => f.severity === 'critical') ? 1 : 0
  return { text, code }
}

/** The report's text with every timestamp of the run made equal (the two runs are seconds apart), parsed where it is JSON. */
function timeless(raw: string, format: ReportFormat): unknown {
  // The built CLI loads its YAML detectors from dist/, this test's whole-report path from src/.
  const text = raw.replace(/\/(src|dist)\/detectors\//g, '/detectors/')
  const iso = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g
  if (format === 'json') {
    const doc = JSON.parse(text) as Record<string, unknown>
    delete doc.generatedAt
    return doc
  }
  if (format === 'sarif') return JSON.parse(text.replace(iso, 'T'))
  return text.replace(iso, 'T').replace(/seconds: \d+\n(\s+)nanos: \d+/g, 'seconds: S\n$1nanos: N')
}

const cases: Case[] = [
  ...REPORT_FORMATS.map((format) => ({ inputs: [FLEET], format })),
  ...REPORT_FORMATS.map((format) => ({ inputs: readdirSync(INPUTS).map((f) => join(INPUTS, f)), format })),
  { inputs: [FLEET], format: 'json', silences: true },
  { inputs: [FLEET], format: 'table', silences: true },
  { inputs: [FLEET], format: 'json', minSeverity: 'warning' },
  { inputs: [FLEET], format: 'table', minSeverity: 'info' },
  { inputs: [FLEET], format: 'policyreport', minSeverity: 'critical', silences: true },
]

describe('kubedac scan writes the report the whole-report path gives', () => {
  it.each(cases)('$format of $inputs.length input(s), min $minSeverity, silences $silences', async (c) => {
    const out = join(dir, `out-${c.format}`)
    const args = ['scan', ...c.inputs, '--format', c.format, '--output', out, '--no-progress']
    if (c.minSeverity) args.push('--min-severity', c.minSeverity)
    if (c.silences) args.push('--silences', silences)
    const run = kubedac(args)
    const whole = await wholeReport(c)
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(run.code).toBe(whole.code)
    expect(timeless(readFileSync(out, 'utf8'), c.format)).toEqual(timeless(whole.text, c.format))
  })
})

describe('kubedac scan output', () => {
  // Big enough that its report fills a pipe many times over (several MB of JSON).
  const fleet = join(dir, 'fleet')
  beforeAll(async () => {
    // The benchmarks' fleet generator (plain JavaScript, no types to import).
    const gen = (await import(pathToFileURL(join(ROOT, 'bench', 'fleet-gen.mjs')).href)) as {
      generateFleet(root: string, o: { clusters: number; pods: number }): number
    }
    gen.generateFleet(fleet, { clusters: 3, pods: 400 })
  })

  it('stops quietly when its reader goes away (| head): no stack trace, the SIGPIPE exit code', async () => {
    const child = spawn(process.execPath, [CLI, 'scan', fleet, '--format', 'json', '--no-progress'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    // Read one chunk, as `head -c` would, then close the pipe.
    const first = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString())),
    )
    child.stdout.destroy()
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    expect(first.startsWith('{')).toBe(true)
    expect(stderr).toBe('')
    expect(code).toBe(141)
  })

  it('writes the first cluster out while the last one is still being collected', async () => {
    // Cluster zzz's collection waits for a gate file that the test creates only once cluster aaa's
    // findings have come out: a report rendered at the end would never let it through.
    const gated = join(dir, 'gated')
    cpSync(join(FLEET, 'prod-eu-1'), join(gated, 'aaa'), { recursive: true })
    cpSync(join(FLEET, 'dev-idle-3'), join(gated, 'zzz'), { recursive: true })
    const collectors = join(dir, 'collectors')
    mkdirSync(collectors, { recursive: true })
    const gate = join(dir, 'gate-open')
    writeFileSync(
      join(collectors, 'gate.mjs'),
      `import { existsSync } from 'node:fs'
export default {
  meta: { id: 'gate', produces: ['test/gate'] },
  async collect({ cluster }) {
    if (cluster.name !== 'zzz') return
    while (!existsSync(${JSON.stringify(gate)})) await new Promise((r) => setTimeout(r, 20))
  },
}
`,
    )
    const child = spawn(
      process.execPath,
      [CLI, 'scan', gated, '--collectors', collectors, '--format', 'json', '--no-progress'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let text = ''
    const closed = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no finding of aaa before zzz was collected: ${text}`)),
        50_000,
      )
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString()
        if (text.includes('"cluster": "aaa"')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    expect(text).not.toContain('"cluster": "zzz"')
    writeFileSync(gate, '')
    expect(await closed).toBe(1)
    const report = JSON.parse(text) as Report
    expect(report.clusters.map((c) => c.name)).toEqual(['aaa', 'zzz'])
    expect(new Set(report.findings.map((f) => f.cluster))).toEqual(new Set(['aaa', 'zzz']))
  })

  it('refuses an --output it cannot write before scanning, naming the file', () => {
    const out = join(dir, 'missing', 'report.json')
    const r = kubedac(['scan', FLEET, '--format', 'json', '--output', out, '--no-progress'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`cannot write the report: ${out}`)
    expect(r.stderr).toContain('[KDAC_E_WRITE]')
    expect(existsSync(join(dir, 'missing'))).toBe(false)
  })
})
