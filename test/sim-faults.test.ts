import { afterEach, describe, expect, it } from 'vitest'
import type { ClusterTarget } from '../src/collect/define.js'
import { filesCollector } from '../src/collect/files.js'
import { kubeTargets } from '../src/collect/kubeconfig.js'
import { createKubernetesCollector } from '../src/collect/kubernetes.js'
import type { Report } from '../src/core/types.js'
import { configureDetectors } from '../src/config/config.js'
import { loadBuiltinDetectors } from '../src/detect/registry.js'
import { collectCluster, scan } from '../src/pipeline.js'
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/sim/server.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// The live collector and the whole pipeline against the fleet simulator with injected faults:
// every cluster ends scanned, partial (naming what it could not read) or unreachable (with its
// reason and a cluster-unreachable finding); Retry-After is honoured; a 410 restarts a list;
// resets are retried; requests per cluster are the discovery plus one per page (of each kind, and
// of the second list of Events: the Normal events of Nodes).

let sim: Simulator | undefined
let dir = ''

afterEach(async () => {
  await sim?.close()
  sim = undefined
  if (dir) await rm(dir, { recursive: true, force: true })
  dir = ''
})

async function fleet(options: SimulatorOptions): Promise<ClusterTarget[]> {
  sim = await startSimulator(options)
  dir = await mkdtemp(join(tmpdir(), 'kubedac-sim-faults-'))
  const kubeconfig = join(dir, 'kubeconfig')
  await sim.writeKubeconfig(kubeconfig)
  const { targets, errors } = kubeTargets({ kubeconfig, allContexts: true })
  expect(errors).toEqual([])
  return targets
}

const detectors = configureDetectors(await loadBuiltinDetectors(), {})
/** Quick retries and timeouts, so that the tests take seconds; Retry-After is still honoured in full. */
const collector = (o: Parameters<typeof createKubernetesCollector>[0] = {}) =>
  createKubernetesCollector({ retryBaseMs: 20, requestTimeoutMs: 1_000, maxRetries: 3, ...o })

const byName = (r: Report) => new Map(r.clusters.map((c) => [c.name, c]))

describe('a fleet with faults', () => {
  it('ends every cluster scanned, partial or unreachable with its reason, and never stops', async () => {
    const targets = await fleet({
      clusters: 50,
      nodes: 2,
      pods: 12,
      faults: { rate: 0.1, stallMs: 2_500, retryAfterSeconds: 1 },
      overrides: {
        'sim-00003': { down: 'refused' },
        'sim-00017': { down: 'refused' },
        'sim-00021': { down: 'reset' },
        'sim-00030': { down: 'unauthorized' },
        'sim-00035': { down: 'unknown' },
        'sim-00042': { forbidden: ['pods'], faults: { rate: 0 } },
      },
    })
    const report = await scan({
      targets,
      detectors,
      collectors: [filesCollector, collector()],
      concurrency: 16,
    })
    const clusters = byName(report)
    expect(clusters.size).toBe(50)
    for (const c of clusters.values()) {
      expect(['scanned', 'partial', 'unreachable']).toContain(c.status)
      // A cluster that is not scanned says why; a scanned one has no collection error.
      if (c.status === 'scanned')
        expect(c.errors.filter((e) => e.code.startsWith('KDAC_E_CLUSTER'))).toEqual([])
      else expect(c.errors.length).toBeGreaterThan(0)
    }
    for (const name of ['sim-00003', 'sim-00017']) {
      const c = clusters.get(name)!
      expect(c.status).toBe('unreachable')
      expect(c.errors.map((e) => e.code)).toEqual(['KDAC_E_CLUSTER_UNREACHABLE'])
      expect(c.errors[0]!.message).toContain('ECONNREFUSED')
      expect(report.findings.filter((f) => f.cluster === name).map((f) => f.detector)).toEqual([
        'cluster-unreachable',
      ])
    }
    // Every connection cut: discovery never answers, so nothing was reached.
    expect(clusters.get('sim-00021')!.status).toBe('unreachable')
    expect(
      report.findings.some((f) => f.cluster === 'sim-00021' && f.detector === 'cluster-unreachable'),
    ).toBe(true)
    // A path the server does not serve (a decommissioned cluster behind a proxy): nothing reached.
    const unknown = clusters.get('sim-00035')!
    expect(unknown.status).toBe('unreachable')
    expect(unknown.errors[0]!.message).toContain('404')
    // A rejected token: an authorisation error, nothing listed.
    const unauth = clusters.get('sim-00030')!
    expect(unauth.status).not.toBe('scanned')
    expect(unauth.errors.map((e) => e.code)).toContain('KDAC_E_CLUSTER_AUTH')
    expect(unauth.objects).toBe(0)
    // No right to list pods: partial, the error names pods, the detectors that need pods skipped.
    const forbidden = clusters.get('sim-00042')!
    expect(forbidden.status).toBe('partial')
    expect(forbidden.errors.map((e) => e.code)).toEqual(['KDAC_E_CLUSTER_AUTH'])
    expect(forbidden.errors[0]!.message).toContain('pods is forbidden')
    expect(forbidden.skipped).toContain('container-crashloop')
    // Faults were met and survived: most clusters were read in full despite them.
    const totals = sim!.totals()
    const injected = Object.values(totals.faults).reduce((a, b) => a + b, 0)
    expect(injected).toBeGreaterThan(100)
    const scanned = [...clusters.values()].filter((c) => c.status === 'scanned').length
    expect(scanned).toBeGreaterThanOrEqual(40)
    // A partial cluster lists only kinds it could not read (no cluster-level error).
    for (const c of clusters.values())
      if (c.status === 'partial' && c.name !== 'sim-00042' && c.name !== 'sim-00030')
        expect(c.errors.every((e) => e.code === 'KDAC_E_LIST_FAILED')).toBe(true)
  }, 120_000)
})

describe('one cluster, one fault at a time', () => {
  it('honours Retry-After on a 429: the retry reaches the server a second later', async () => {
    const targets = await fleet({
      clusters: 1,
      log: true,
      faults: { rate: 1, kinds: ['429'], maxPerPath: 1, paths: '^/api/v1/pods', retryAfterSeconds: 1 },
    })
    const report = await scan({ targets, detectors, collectors: [collector()], concurrency: 1 })
    expect(report.clusters[0]!.status).toBe('scanned')
    const pods = sim!.log().filter((e) => e.url.startsWith('/api/v1/pods'))
    expect(pods.map((e) => e.status)).toEqual([429, 200])
    expect(pods[1]!.t - pods[0]!.t).toBeGreaterThanOrEqual(995)
  })

  it('restarts a list whose continue token expired (410) and still reads every object', async () => {
    const targets = await fleet({
      clusters: 1,
      nodes: 2,
      pods: 1_200,
      rv0: 'paged',
      log: true,
      faults: { rate: 1, kinds: ['gone'], maxPerPath: 1, paths: '^/api/v1/pods' },
    })
    // The only fault is the 410: a page timed out on a loaded machine would be asked again and
    // break the sequence below, so this scan waits as long as a real one would.
    const got = await collectCluster(targets[0]!, [collector({ requestTimeoutMs: 60_000 })], detectors)
    expect(got.errors).toEqual([])
    expect(got.snapshot.list('v1/Pod')).toHaveLength(1_200)
    const pods = sim!.log().filter((e) => e.url.startsWith('/api/v1/pods'))
    // Page 2 expires, the list starts again; then page 3 expires, and it starts once more.
    expect(pods.map((e) => [e.url.includes('continue=') ? 'continue' : 'first', e.status])).toEqual([
      ['first', 200],
      ['continue', 410],
      ['first', 200],
      ['continue', 200],
      ['continue', 410],
      ['first', 200],
      ['continue', 200],
      ['continue', 200],
    ])
  })

  it('retries cut connections and cut bodies, and reads everything', async () => {
    const targets = await fleet({
      clusters: 1,
      pods: 60,
      faults: { rate: 1, kinds: ['reset', 'truncate'], maxPerPath: 1 },
    })
    const got = await collectCluster(targets[0]!, [collector()], detectors)
    expect(got.errors).toEqual([])
    expect(got.snapshot.list('v1/Pod')).toHaveLength(60)
    const faults = sim!.totals().faults
    expect((faults.reset ?? 0) + (faults.truncate ?? 0)).toBeGreaterThan(40)
  })

  it('retries 500s, 503s and stalled answers past the request timeout', async () => {
    const targets = await fleet({
      clusters: 1,
      pods: 30,
      faults: { rate: 1, kinds: ['500', '503', 'stall'], maxPerPath: 1, stallMs: 1_500 },
    })
    const got = await collectCluster(targets[0]!, [collector({ requestTimeoutMs: 500 })], detectors)
    expect(got.errors).toEqual([])
    expect(got.snapshot.list('v1/Pod')).toHaveLength(30)
  })
})

describe('gentleness', () => {
  // No faults here: a request that times out under a loaded machine would be retried and counted
  // twice, so these scans wait as long as a real one would.
  const patient = () => collector({ requestTimeoutMs: 60_000 })

  /** Objects the simulator serves for a list URL (all pages, the same selector). */
  async function count(cluster: string, url: string): Promise<number> {
    const u = new URL(url, 'http://x')
    u.searchParams.delete('limit')
    u.searchParams.delete('resourceVersion')
    const res = await fetch(`${sim!.url}/clusters/${cluster}${u.pathname}${u.search}`, {
      headers: { authorization: `Bearer ${sim!.tokenOf(cluster)}` },
    })
    return ((await res.json()) as { items: unknown[] }).items.length
  }

  it('sends the discovery (2 requests) plus one request per page of 500 of each kind, and no single GETs', async () => {
    const targets = await fleet({ clusters: 1, nodes: 20, pods: 1_700, rv0: 'paged', log: true })
    const got = await collectCluster(targets[0]!, [patient()], detectors)
    expect(got.errors).toEqual([])
    const log = sim!.log()
    const stats = sim!.totals()
    const firstPages = log.filter((e) => e.url.includes('limit=500') && !e.url.includes('continue='))
    // Each kind is listed once, cluster-wide; Events twice: the Warnings and the Normal events of Nodes.
    const listed = (e: { url: string }) => {
      const u = new URL(e.url, 'http://x')
      return `${u.pathname} ${u.searchParams.get('fieldSelector') ?? ''}`.trim()
    }
    expect(new Set(firstPages.map(listed)).size).toBe(firstPages.length)
    expect(firstPages.map(listed).filter((l) => l.startsWith('/api/v1/events'))).toEqual([
      '/api/v1/events type=Warning',
      '/api/v1/events involvedObject.kind=Node,type=Normal',
    ])
    expect(new Set(firstPages.map((e) => e.url.split('?')[0])).size).toBe(firstPages.length - 1)
    let pages = 0
    for (const e of firstPages) pages += Math.max(1, Math.ceil((await count('sim-00001', e.url)) / 500))
    expect(stats.discovery).toBe(2)
    expect(stats.gets).toBe(0)
    expect(stats.requests).toBe(2 + pages)
    expect(pages).toBeGreaterThan(firstPages.length) // pods, events, replicasets… took several pages
    expect(got.snapshot.list('v1/Pod')).toHaveLength(1_700)
  })

  it('keeps connections alive within a cluster and leaves none open after the scan', async () => {
    const targets = await fleet({ clusters: 20, pods: 30 })
    const report = await scan({ targets, detectors, collectors: [patient()], concurrency: 8 })
    expect(report.clusters.every((c) => c.status === 'scanned')).toBe(true)
    const t = sim!.totals()
    // At most one connection per request in flight per cluster (2 for discovery, 4 kinds at once).
    expect(t.connections).toBeLessThanOrEqual(20 * 4)
    expect(t.requests).toBeGreaterThan(t.connections * 5)
    // Each cluster's agent is closed when it is done: no socket outlives its cluster.
    for (let i = 0; i < 50 && sim!.totals().openConnections > 0; i++)
      await new Promise((r) => setTimeout(r, 20))
    expect(sim!.totals().openConnections).toBe(0)
  })

  it('reads each kind in one request from a server that answers resourceVersion=0 whole (v1.32)', async () => {
    const targets = await fleet({ clusters: 1, nodes: 20, pods: 1_700 })
    const got = await collectCluster(targets[0]!, [patient()], detectors)
    expect(got.errors).toEqual([])
    const stats = sim!.totals()
    expect(stats.requests).toBe(2 + stats.lists)
    expect(got.snapshot.list('v1/Pod')).toHaveLength(1_700)
  })
})

describe('memory', () => {
  it('shares equal subtrees between neighbours without changing any finding', async () => {
    const targets = await fleet({ clusters: 2, nodes: 4, pods: 300, problems: 0.2 })
    const run = (shareSiblings: boolean) =>
      scan({
        targets,
        detectors,
        collectors: [collector({ shareSiblings })],
        concurrency: 2,
        now: new Date(0),
      })
    const [shared, plain] = await Promise.all([run(true), run(false)])
    expect(shared.findings.length).toBeGreaterThan(100)
    expect(shared.findings).toEqual(plain.findings)
    expect(shared.clusters).toEqual(plain.clusters)
  })
})
