import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClusterTarget } from '../src/collect/define.js'
import { kubeTargets } from '../src/collect/kubeconfig.js'
import { createKubernetesCollector } from '../src/collect/kubernetes.js'
import { configureDetectors } from '../src/config/config.js'
import type { KubeObject, Report } from '../src/core/types.js'
import { loadBuiltinDetectors } from '../src/detect/registry.js'
import { collectCluster, scan } from '../src/pipeline.js'
import { startSimulator, type SimLogEntry, type Simulator } from '../src/sim/server.js'

// A node's readiness changes are Normal events (NodeNotReady, NodeReady): a live scan lists the
// Warning events and, beside them, the Normal events of Nodes, so node-readiness-flapping finds
// the simulator's flapping nodes on a live cluster, not only in dumps. Where core Events cannot be
// listed, events.k8s.io Events are, with the same two selectors in that API's words.

let sim: Simulator
let dir = ''
let targets: ClusterTarget[] = []
let report: Report
let scanLog: SimLogEntry[] = []
const detectors = configureDetectors(await loadBuiltinDetectors(), {})
const collector = () => createKubernetesCollector({ retryBaseMs: 20, requestTimeoutMs: 60_000 })

/** The nodes of a simulated cluster that have NodeReady events (the flapping ones), asked of the simulator. */
async function flappingNodes(cluster: string): Promise<string[]> {
  const res = await fetch(`${sim.url}/clusters/${cluster}/api/v1/events?fieldSelector=reason%3DNodeReady`, {
    headers: { authorization: `Bearer ${sim.tokenOf(cluster)}` },
  })
  const items = ((await res.json()) as { items: { involvedObject: { name: string } }[] }).items
  return [...new Set(items.map((e) => e.involvedObject.name))].sort()
}

const flagged = (cluster: string) =>
  report.findings
    .filter((f) => f.cluster === cluster && f.detector === 'node-readiness-flapping')
    .map((f) => f.object.name)
    .sort()

/** The event LISTs the scan sent a cluster, with their selectors and answers. */
const eventLists = (cluster: string) =>
  scanLog
    .filter((e) => e.cluster === cluster && /\/events\?/.test(e.url))
    .map((e) => {
      const u = new URL(e.url, 'http://x')
      return `${u.pathname} ${u.searchParams.get('fieldSelector')} ${e.status}`
    })
    .sort()

beforeAll(async () => {
  sim = await startSimulator({
    clusters: 3,
    variants: 3,
    nodes: 4,
    pods: 24,
    problems: 0.2,
    log: true,
    overrides: {
      'sim-00001': { flapping: 0.5 },
      'sim-00002': { flapping: 0 },
      // No right to list core Events: events.k8s.io Events are listed instead.
      'sim-00003': { flapping: 1, forbidden: ['events'] },
    },
  })
  dir = await mkdtemp(join(tmpdir(), 'kubedac-node-events-'))
  await sim.writeKubeconfig(join(dir, 'kubeconfig'))
  targets = kubeTargets({ kubeconfig: join(dir, 'kubeconfig'), allContexts: true }).targets
  report = await scan({ targets, detectors, collectors: [collector()], concurrency: 3, now: new Date() })
  scanLog = sim.log()
})

afterAll(async () => {
  await sim?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('Normal events of Nodes on a live cluster', () => {
  it('are listed beside the Warning events, and node-readiness-flapping finds the flapping nodes', async () => {
    expect(report.clusters.map((c) => [c.name, c.status])).toEqual([
      ['sim-00001', 'scanned'],
      ['sim-00002', 'scanned'],
      ['sim-00003', 'partial'],
    ])
    const flapping = await flappingNodes('sim-00001')
    expect(flapping.length).toBeGreaterThan(0)
    expect(flapping.length).toBeLessThan(4)
    expect(flagged('sim-00001')).toEqual(flapping)
    expect(eventLists('sim-00001')).toEqual([
      '/api/v1/events involvedObject.kind=Node,type=Normal 200',
      '/api/v1/events type=Warning 200',
    ])
    // No node flaps there: no finding, and the list of Node events came back empty.
    expect(await flappingNodes('sim-00002')).toEqual([])
    expect(flagged('sim-00002')).toEqual([])
    const f = report.findings.find((x) => x.detector === 'node-readiness-flapping')!
    expect(f.evidence).toMatchObject({ transitions: 6, toNotReady: 3, toReady: 3 })
  })

  it('are read from events.k8s.io (regarding.kind) where core Events are forbidden', async () => {
    const c = report.clusters.find((x) => x.name === 'sim-00003')!
    expect(c.errors.map((e) => e.code)).toEqual(['KDAC_E_CLUSTER_AUTH'])
    expect(c.errors[0]!.message).toContain('events is forbidden')
    expect(eventLists('sim-00003')).toEqual([
      '/api/v1/events type=Warning 403',
      '/apis/events.k8s.io/v1/events regarding.kind=Node,type=Normal 200',
      '/apis/events.k8s.io/v1/events type=Warning 200',
    ])
    expect(flagged('sim-00003')).toEqual(['node-000', 'node-001', 'node-002', 'node-003'])
  })

  it('never brings in the Normal events of other objects, nor one event twice', async () => {
    const got = await collectCluster(targets[0]!, [collector()], detectors)
    expect(got.errors).toEqual([])
    const events = got.snapshot.list('v1/Event') as (KubeObject & {
      type: string
      involvedObject: { kind: string }
    })[]
    const normal = events.filter((e) => e.type === 'Normal')
    expect(normal.length).toBe((await flappingNodes('sim-00001')).length * 3)
    expect(normal.every((e) => e.involvedObject.kind === 'Node')).toBe(true)
    expect(events.some((e) => e.type === 'Warning')).toBe(true)
    expect(new Set(events.map((e) => e.metadata.uid)).size).toBe(events.length)
  })
})
