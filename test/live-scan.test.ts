import { spawnSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../src/core/types.js'
import { mergeKubeconfigs, startClusters, type TestCluster } from './cluster/cluster.js'
import { CLI, ROOT } from './e2e/helpers.js'
import { seedFlappingNode, seedNotReadyNode, seedReplicaFailure } from './support/live-seeds.js'

// kubedac scan against real kube-apiservers (built from Go modules by test/cluster/build.sh):
// problems are seeded with kubectl through the status subresource, then found by a live scan.
let clusters: TestCluster[] = []
let kubeconfig = ''

function scan(args: string[]): { code: number; report: Report; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'scan', ...args, '--format', 'json'], {
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: r.status ?? -1, report: JSON.parse(r.stdout || '{}') as Report, stderr: r.stderr }
}

beforeAll(async () => {
  clusters = await startClusters(2, { prefix: 'kubedac-live' })
  const [a, b] = clusters as [TestCluster, TestCluster]
  // Cluster a: node n1 NotReady for 20 minutes, node n2 Ready, node n3 Ready again after flapping
  // (its NodeNotReady and NodeReady events are Normal). Cluster b: Deployment payments/ledger that
  // cannot create pods because its namespace quota is used up.
  await seedNotReadyNode(a)
  await seedFlappingNode(a)
  await seedReplicaFailure(b)
  kubeconfig = await mergeKubeconfigs(clusters, join(a.dir, 'merged-kubeconfig'))
}, 600_000)

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()))
})

describe('kubedac scan of live clusters (real kube-apiserver)', () => {
  it('scans every context of a kubeconfig and finds the problems seeded in each', () => {
    const { report, code } = scan(['--kubeconfig', kubeconfig, '--all-contexts'])
    expect(report.clusters.map((c) => [c.name, c.status])).toEqual([
      ['kubedac-live-1', 'scanned'],
      ['kubedac-live-2', 'scanned'],
    ])
    expect(report.errors).toEqual([])
    const loud = report.findings
      .filter((f) => f.severity !== 'info')
      .map(
        (f) =>
          `${f.cluster} ${f.detector} ${f.object.kind} ${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}`,
      )
    expect(loud).toContain('kubedac-live-1 node-not-ready Node n1')
    // Read from the Normal events of Nodes, listed beside the Warnings.
    expect(loud).toContain('kubedac-live-1 node-readiness-flapping Node n3')
    expect(loud.filter((l) => l.includes(' n3'))).toEqual(['kubedac-live-1 node-readiness-flapping Node n3'])
    expect(loud).toContain('kubedac-live-2 deployment-replica-failure Deployment payments/ledger')
    expect(loud.filter((l) => l.includes(' n2'))).toEqual([])
    expect(code).toBe(1) // node-not-ready is critical
  })

  it('scans one context with --context, judged at the clock', () => {
    const { report } = scan(['--kubeconfig', kubeconfig, '--context', 'kubedac-live-2'])
    expect(report.clusters.map((c) => c.name)).toEqual(['kubedac-live-2'])
    expect(report.findings.some((f) => f.detector === 'deployment-replica-failure')).toBe(true)
  })

  it('scans a fleet file mixing live contexts and a dump', async () => {
    const [a] = clusters as [TestCluster]
    const fleet = join(a.dir, 'fleet.yaml')
    await writeFile(
      fleet,
      [
        'apiVersion: kubedac.io/v1alpha1',
        'kind: Fleet',
        'clusters:',
        `  - { name: live-one, kubeconfig: ${kubeconfig}, context: kubedac-live-1, labels: { team: platform, env: prod } }`,
        `  - { name: live-two, kubeconfig: ${kubeconfig}, context: kubedac-live-2, labels: { team: payments } }`,
        `  - { name: ticket-dump, path: ${join(ROOT, 'examples', 'fleet', 'dev-idle-3')} }`,
      ].join('\n') + '\n',
    )
    const { report } = scan(['--fleet', fleet])
    expect(report.clusters.map((c) => [c.name, c.status])).toEqual([
      ['live-one', 'scanned'],
      ['live-two', 'scanned'],
      ['ticket-dump', 'scanned'],
    ])
    const got = report.findings.map((f) => `${f.cluster} ${f.detector}`)
    expect(got).toContain('live-one node-not-ready')
    expect(got).toContain('live-two deployment-replica-failure')
    expect(got).toContain('ticket-dump cluster-idle')
  })

  it('reports a cluster that cannot be reached as unreachable and still scans the others', async () => {
    const [a] = clusters as [TestCluster]
    const dead = join(a.dir, 'with-dead-cluster')
    const { parse, stringify } = await import('yaml')
    const { readFile } = await import('node:fs/promises')
    const cfg = parse(await readFile(kubeconfig, 'utf8'))
    cfg.clusters.push({
      name: 'dead',
      cluster: {
        server: 'https://127.0.0.1:1',
        'certificate-authority-data': cfg.clusters[0].cluster['certificate-authority-data'],
      },
    })
    cfg.contexts.push({ name: 'dead', context: { cluster: 'dead', user: cfg.contexts[0].context.user } })
    await writeFile(dead, stringify(cfg))
    const { report } = scan(['--kubeconfig', dead, '--all-contexts'])
    const byName = Object.fromEntries(report.clusters.map((c) => [c.name, c.status]))
    expect(byName).toEqual({ dead: 'unreachable', 'kubedac-live-1': 'scanned', 'kubedac-live-2': 'scanned' })
    expect(report.errors.find((e) => e.source.includes('dead'))?.code).toBe('KDAC_E_CLUSTER_UNREACHABLE')
    // The only thing known about it is that it cannot be read: one critical cluster-level finding.
    const deadFindings = report.findings.filter((f) => f.cluster === 'dead')
    expect(deadFindings.map((f) => [f.detector, f.severity, f.object.kind])).toEqual([
      ['cluster-unreachable', 'critical', 'Cluster'],
    ])
  })

  it('with a user who may not list, reports the cluster as partial and never prints the token', async () => {
    const [a] = clusters as [TestCluster]
    const { parse, stringify } = await import('yaml')
    const { readFile } = await import('node:fs/promises')
    const cfg = parse(await readFile(kubeconfig, 'utf8'))
    const ctx = cfg.contexts.find((c: { name: string }) => c.name === 'kubedac-live-1')
    const user = cfg.users.find((u: { name: string }) => u.name === ctx.context.user)
    user.user = { token: a.viewerToken }
    const path = join(a.dir, 'viewer-kubeconfig')
    await writeFile(path, stringify(cfg))
    const r = spawnSync(
      process.execPath,
      [CLI, 'scan', '--kubeconfig', path, '--context', 'kubedac-live-1', '--format', 'json'],
      { encoding: 'utf8' },
    )
    const report = JSON.parse(r.stdout) as Report
    expect(report.clusters[0]?.status).not.toBe('scanned')
    expect(report.errors.some((e) => e.code === 'KDAC_E_CLUSTER_AUTH')).toBe(true)
    expect(r.stdout + r.stderr).not.toContain(a.viewerToken)
  })
})
