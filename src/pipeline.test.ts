import { describe, expect, it } from 'vitest'
import { defineCollector, type ClusterTarget } from './collect/define.js'
import { defaultConcurrency, scan } from './pipeline.js'
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
