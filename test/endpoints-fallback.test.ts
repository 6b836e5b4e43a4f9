import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClusterTarget } from '../src/collect/define.js'
import { kubeTargets } from '../src/collect/kubeconfig.js'
import { createKubernetesCollector, discoverCluster } from '../src/collect/kubernetes.js'
import { configureDetectors } from '../src/config/config.js'
import type { Finding } from '../src/core/types.js'
import { loadBuiltinDetectors } from '../src/detect/registry.js'
import type { Detector } from '../src/detect/define.js'
import { fallbackKinds, requiredData, scan } from '../src/pipeline.js'
import { startSimulator, type Simulator } from '../src/sim/server.js'

// A live cluster serving discovery.k8s.io/v1 EndpointSlices is not asked for the Endpoints they
// mirror: the endpoint detectors find the same problems from the slices. Where the slices cannot be
// listed, the Endpoints are listed after all.

let sim: Simulator
let dir = ''
let targets: ClusterTarget[] = []
const builtin = await loadBuiltinDetectors()
const detectors = configureDetectors(builtin, {})
const ENDPOINT_DETECTORS = ['service-no-endpoints', 'service-notready-endpoints', 'webhook-backend-down']

beforeAll(async () => {
  // Two clusters of the same content; on the second the scanner may not list EndpointSlices.
  sim = await startSimulator({
    clusters: 2,
    variants: 1,
    nodes: 3,
    pods: 240,
    log: true,
    overrides: { 'sim-00002': { forbidden: ['discovery.k8s.io/endpointslices'] } },
  })
  dir = await mkdtemp(join(tmpdir(), 'kubedac-endpoints-'))
  await sim.writeKubeconfig(join(dir, 'kubeconfig'))
  targets = kubeTargets({ kubeconfig: join(dir, 'kubeconfig'), allContexts: true }).targets
})

afterAll(async () => {
  await sim.close()
  await rm(dir, { recursive: true, force: true })
})

const listed = (cluster: string) =>
  sim
    .log()
    .filter((e) => e.cluster === cluster)
    .map((e) => new URL(e.url, 'http://x').pathname)

/**
 * What a finding says of its object, without its cluster (the fingerprint hashes it in, the source
 * URL and cluster-level findings name it) and with the kind the endpoints were read from
 * (evidence.endpoints.source) as one.
 */
const shown = (f: Finding) => {
  const { cluster: _c, fingerprint: _f, source: _s, ...rest } = f as Finding & { source?: string }
  return JSON.stringify(rest)
    .replaceAll('"source":"Endpoints"', '"source":"EndpointSlice"')
    .replaceAll(f.cluster, '<cluster>')
}

describe('Endpoints on a cluster that serves EndpointSlices', () => {
  it('are read by the built-in detectors only as a fallback for EndpointSlices', () => {
    expect([...fallbackKinds(detectors)]).toEqual(['Endpoints', 'events.k8s.io/Event'])
    expect(requiredData(detectors).has('v1/Endpoints')).toBe(true)
    // A detector that requires Endpoints themselves has them listed.
    const own: Detector = {
      meta: {
        ...builtin[0]!.meta,
        id: 'my-endpoints',
        requires: ['v1/Endpoints'],
        requiresAny: [],
        optional: [],
      },
      detect: () => undefined,
    }
    const withOwn = [...detectors, { ...detectors[0]!, detector: own }]
    expect([...fallbackKinds(withOwn)]).not.toContain('Endpoints')
  })

  it('are not listed, and the endpoint detectors find what they find from the Endpoints', async () => {
    const report = await scan({
      targets,
      detectors,
      collectors: [createKubernetesCollector({ retryBaseMs: 20, maxRetries: 1 })],
      concurrency: 2,
      now: new Date(),
    })
    const [a, b] = report.clusters
    expect(a!.status).toBe('scanned')
    expect(listed('sim-00001')).toContain('/apis/discovery.k8s.io/v1/endpointslices')
    expect(listed('sim-00001')).not.toContain('/api/v1/endpoints')
    // Slices forbidden: the 403 is reported and the Endpoints are listed instead.
    expect(b!.status).toBe('partial')
    expect(b!.errors.map((e) => e.code)).toEqual(['KDAC_E_CLUSTER_AUTH'])
    expect(listed('sim-00002')).toContain('/api/v1/endpoints')

    const endpointFindings = (cluster: string) =>
      report.findings
        .filter((f) => f.cluster === cluster && ENDPOINT_DETECTORS.includes(f.detector))
        .map(shown)
        .sort()
    const fromSlices = endpointFindings('sim-00001')
    // The simulated pods that crash leave their Services with not-ready endpoints.
    expect(fromSlices.length).toBeGreaterThan(0)
    expect(fromSlices).toEqual(endpointFindings('sim-00002'))
    // Every other detector finds the same on both.
    const others = (cluster: string) =>
      report.findings
        .filter((f) => f.cluster === cluster && !ENDPOINT_DETECTORS.includes(f.detector))
        .map(shown)
        .sort()
    expect(others('sim-00001')).toEqual(others('sim-00002'))
  })

  it('are shown by the plan as not listed, read from the EndpointSlices', async () => {
    const d = await discoverCluster(targets[0]!, requiredData(detectors), {}, fallbackKinds(detectors))
    expect(d.superseded).toContainEqual({
      groupKind: 'Endpoints',
      keys: ['v1/Endpoints'],
      by: 'discovery.k8s.io/EndpointSlice',
    })
    expect(d.served.map((s) => s.groupKind)).toContain('discovery.k8s.io/EndpointSlice')
    expect(d.served.map((s) => s.groupKind)).not.toContain('Endpoints')
    // Without the fallback kinds (an older caller), Endpoints are served and listed as before.
    const plain = await discoverCluster(targets[0]!, requiredData(detectors))
    expect(plain.served.map((s) => s.groupKind)).toContain('Endpoints')
  })
})
