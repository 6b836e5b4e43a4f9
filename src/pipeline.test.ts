import { describe, expect, it } from 'vitest'
import { defineCollector, type ClusterTarget } from './collect/define.js'
import { compareFindings, defaultConcurrency, scan, scanStream, type ScannedCluster } from './pipeline.js'
import barePod from './detectors/bare-pod.js'

const detectors = [{ detector: barePod, severity: 'info' as const, params: {} }]

/**
 * A collector that makes cluster `big-*` hold `big` pods and others `small`, and records how many
 * run at once; each waits `waitMs` (the network) and then burns `busyMs` of CPU (parsing).
 */
function sizedCollector(small: number, big: number, waitMs = 5, busyMs = 0) {
  let running = 0
  const peaks: { name: string; running: number }[] = []
  const collector = defineCollector({
    meta: { id: 'sized', produces: ['v1/Pod'] },
    async collect({ cluster, sink }) {
      running++
      peaks.push({ name: cluster.name, running })
      const n = cluster.name.startsWith('big') ? big : small
      for (let i = 0; i < n; i++)
        sink.object(
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'a' }, spec: {} },
          'test',
        )
      sink.collected('v1/Pod')
      await new Promise((r) => setTimeout(r, waitMs))
      for (const end = performance.now() + busyMs; performance.now() < end;);
      running--
    },
  })
  return { collector, peaks }
}

const targets = (names: string[]): ClusterTarget[] => names.map((name) => ({ name, source: name }))

describe('scan concurrency', () => {
  it('runs many small clusters at once, up to the concurrency', async () => {
    const { collector, peaks } = sizedCollector(10, 10)
    const names = Array.from({ length: 100 }, (_, i) => `c${i}`)
    const report = await scan({
      targets: targets(names),
      detectors,
      collectors: [collector],
      concurrency: 32,
      adaptive: false,
    })
    expect(report.clusters).toHaveLength(100)
    expect(Math.max(...peaks.map((p) => p.running))).toBe(32)
  })

  it('runs fewer clusters at once once big ones are met, to stay within the object budget', async () => {
    const { collector, peaks } = sizedCollector(10, 1_000)
    const names = Array.from({ length: 60 }, (_, i) => `big-${i}`)
    const report = await scan({
      targets: targets(names),
      detectors,
      collectors: [collector],
      concurrency: 32,
      objectBudget: 3_000,
      adaptive: false,
    })
    expect(report.clusters.every((c) => c.objects === 1_000)).toBe(true)
    // Before the first cluster is done, 8 start; after it, 3 × 1000 objects fit the budget.
    expect(Math.max(...peaks.map((p) => p.running))).toBe(8)
    expect(Math.max(...peaks.slice(20).map((p) => p.running))).toBe(3)
  })

  it('always runs one cluster, however big', async () => {
    const { collector } = sizedCollector(10, 5_000)
    const report = await scan({
      targets: targets(['big-1', 'big-2']),
      detectors,
      collectors: [collector],
      concurrency: 4,
      objectBudget: 100,
    })
    expect(report.clusters.map((c) => c.objects)).toEqual([5_000, 5_000])
  })

  it('opens up to the concurrency when the clusters mostly wait on the network', async () => {
    const { collector, peaks } = sizedCollector(10, 10, 60)
    const names = Array.from({ length: 400 }, (_, i) => `c${i}`)
    await scan({ targets: targets(names), detectors, collectors: [collector], concurrency: 64 })
    expect(peaks[0]!.running).toBe(1)
    expect(Math.max(...peaks.slice(0, 8).map((p) => p.running))).toBe(8) // slow start
    expect(Math.max(...peaks.map((p) => p.running))).toBe(64)
  })

  it('keeps few clusters at once when they keep the CPU busy', async () => {
    const { collector, peaks } = sizedCollector(10, 10, 1, 25)
    const names = Array.from({ length: 60 }, (_, i) => `c${i}`)
    await scan({ targets: targets(names), detectors, collectors: [collector], concurrency: 64 })
    expect(Math.max(...peaks.map((p) => p.running))).toBeLessThanOrEqual(8)
  })

  it('defaults to many clusters at once for live clusters, two for files', () => {
    const live = Array.from({ length: 500 }, (_, i): ClusterTarget => ({
      name: `c${i}`,
      source: 'k',
      kube: { context: `c${i}` },
    }))
    expect(defaultConcurrency(live)).toBe(128)
    expect(defaultConcurrency(live.slice(0, 3))).toBe(3)
    expect(defaultConcurrency(targets(['a', 'b', 'c']))).toBe(2)
  })
})

/**
 * A collector whose cluster `name` holds `pods[name]` bare pods (one finding each) and takes
 * `delays[name]` ms (default 1); it logs `collect:<name>` when it starts and `done:<name>` when it ends.
 */
function loggingCollector(
  log: string[],
  pods: (name: string) => number,
  delays: Record<string, number> = {},
) {
  return defineCollector({
    meta: { id: 'logging', produces: ['v1/Pod'] },
    async collect({ cluster, sink }) {
      log.push(`collect:${cluster.name}`)
      for (let i = 0; i < pods(cluster.name); i++)
        sink.object(
          { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'a' }, spec: {} },
          'test',
        )
      sink.collected('v1/Pod')
      await new Promise((r) => setTimeout(r, delays[cluster.name] ?? 1))
      log.push(`done:${cluster.name}`)
    },
  })
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(2, '0')}`)

describe('scanStream', () => {
  it('hands each cluster on in name order, findings sorted, though targets come otherwise and finish out of order', async () => {
    const log: string[] = []
    const all = names(12)
    // Targets in reverse; early names slow, so they finish after later ones.
    const delays = Object.fromEntries(all.map((n, i) => [n, i < 4 ? 40 : 1]))
    const parts: ScannedCluster[] = []
    const clusters = await scanStream({
      targets: targets([...all].reverse()),
      detectors,
      collectors: [loggingCollector(log, () => 3, delays)],
      concurrency: 4,
      adaptive: false,
      emit: (p) => void parts.push(p),
    })
    expect(parts.map((p) => p.clusters[0]!.name)).toEqual(all)
    expect(parts.every((p) => p.findings.length === 3)).toBe(true)
    for (const p of parts) expect([...p.findings].sort(compareFindings)).toEqual(p.findings)
    // The clusters come back in target order, as the report lists them.
    expect(clusters.map((c) => c.name)).toEqual([...all].reverse())
    expect(parts.map((p) => p.indexes[0])).toEqual([...all.keys()].reverse())
  })

  it('writes the first cluster out before the last one is collected', async () => {
    const log: string[] = []
    await scanStream({
      targets: targets(names(10)),
      detectors,
      collectors: [loggingCollector(log, () => 2)],
      concurrency: 2,
      adaptive: false,
      emit: (p) => void log.push(`emit:${p.clusters[0]!.name}`),
    })
    expect(log.indexOf('emit:c00')).toBeGreaterThanOrEqual(0)
    expect(log.indexOf('emit:c00')).toBeLessThan(log.indexOf('collect:c09'))
  })

  it('gives the findings of scan(), in the same order', async () => {
    const pods = (n: string) => Number(n.slice(1)) % 4
    const streamed: ScannedCluster[] = []
    const t = targets(names(9).reverse())
    await scanStream({
      targets: t,
      detectors,
      collectors: [loggingCollector([], pods)],
      concurrency: 3,
      emit: (p) => void streamed.push(p),
    })
    const report = await scan({
      targets: t,
      detectors,
      collectors: [loggingCollector([], pods)],
      concurrency: 3,
    })
    expect(streamed.flatMap((p) => p.findings)).toEqual(report.findings)
  })

  it('waits for the next part until emit has written the last one (backpressure)', async () => {
    const log: string[] = []
    await scanStream({
      targets: targets(names(6)),
      detectors,
      collectors: [loggingCollector([], () => 1)],
      concurrency: 1,
      emit: async (p) => {
        log.push(`start:${p.clusters[0]!.name}`)
        await new Promise((r) => setTimeout(r, 10))
        log.push(`end:${p.clusters[0]!.name}`)
      },
    })
    for (let i = 0; i < log.length; i += 2) expect(log[i]!.slice(6)).toBe(log[i + 1]!.slice(4))
  })

  it('holds few clusters done ahead of a slow one: past the hold budget, workers wait for it', async () => {
    const log: string[] = []
    const all = names(60)
    const parts: string[] = []
    await scanStream({
      targets: targets(all),
      detectors,
      collectors: [loggingCollector(log, () => 5, { c00: 300 })],
      concurrency: 4,
      adaptive: false,
      holdBudget: 10,
      emit: (p) => void parts.push(p.clusters[0]!.name),
    })
    expect(parts).toEqual(all)
    // c00, plus the 3 other workers' clusters until 15 findings (> 10) are held, plus at most one each.
    const startedBefore = log.slice(0, log.indexOf('done:c00')).filter((e) => e.startsWith('collect:'))
    expect(startedBefore.length).toBeLessThanOrEqual(7)
  })

  it('reports clusters of one name as one part', async () => {
    const parts: ScannedCluster[] = []
    const t: ClusterTarget[] = [
      { name: 'b', source: 'b1' },
      { name: 'a', source: 'a' },
      { name: 'b', source: 'b2' },
    ]
    await scanStream({
      targets: t,
      detectors,
      collectors: [loggingCollector([], () => 1)],
      concurrency: 2,
      order: 'target',
      emit: (p) => void parts.push(p),
    })
    expect(parts.map((p) => p.clusters.map((c) => c.source))).toEqual([['b1', 'b2'], ['a']])
    expect(parts.map((p) => p.indexes)).toEqual([[0, 2], [1]])
    expect(parts[0]!.findings).toHaveLength(2)
  })

  it('stops with the error of a failing emit, starting no more clusters', async () => {
    const log: string[] = []
    const failure = new Error('disk full')
    await expect(
      scanStream({
        targets: targets(names(40)),
        detectors,
        collectors: [loggingCollector(log, () => 1)],
        concurrency: 2,
        adaptive: false,
        emit: (p) => {
          if (p.clusters[0]!.name === 'c02') throw failure
        },
      }),
    ).rejects.toBe(failure)
    expect(log.filter((e) => e.startsWith('collect:')).length).toBeLessThan(8)
  })
})

describe('the public API', () => {
  it('streams a scan through a chunk renderer into the document renderReport makes of the whole', async () => {
    const api = await import('./index.js')
    const { collector } = sizedCollector(3, 3)
    const opts = { targets: targets(['b', 'a', 'c']), detectors, collectors: [collector], concurrency: 2 }
    const ctx = { detectors: new Map(), toolVersion: 'test' }
    const json = api.chunkRenderer('json', ctx, { generatedAt: 'now' })!
    let text = ''
    const clusters = await api.scanStream({ ...opts, emit: (part) => void (text += json.cluster(part)) })
    text += json.end({ generatedAt: 'now', clusters, errors: [] })
    const whole = await api.scan(opts)
    const rendered = api.renderReport('json', { ...whole, generatedAt: 'now' }, ctx)
    expect(whole.findings).toHaveLength(9)
    expect(JSON.parse(text)).toEqual(JSON.parse(rendered))
    expect(api.STREAMED_FORMATS).toContain('json')
  })
})
