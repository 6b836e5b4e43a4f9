import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import type { Report } from '../src/core/types.js'
import { startClusters, type TestCluster } from './cluster/cluster.js'
import { CLI, ROOT } from './e2e/helpers.js'

// deploy/rbac.yaml is what `kubedac rbac` prints; applied to a real API server it must let a scan
// read everything the detectors need, and nothing else: no Secrets, no writes.
const SA = 'system:serviceaccount:kubedac:kubedac'
let cluster: TestCluster

const kubedac = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 })

beforeAll(async () => {
  ;[cluster] = (await startClusters(1, { prefix: 'kubedac-rbac' })) as [TestCluster]
  await cluster.kubectl(['create', 'namespace', 'kubedac'])
  await cluster.kubectl(['apply', '-f', join(ROOT, 'deploy', 'rbac.yaml')])
}, 600_000)

afterAll(async () => {
  await cluster?.stop()
})

describe('deploy/rbac.yaml', () => {
  it('is what `kubedac rbac` prints for the built-in detectors', async () => {
    expect(await readFile(join(ROOT, 'deploy', 'rbac.yaml'), 'utf8')).toBe(kubedac(['rbac']).stdout)
  })

  it('names only resources the API server serves, for the groups it serves', async () => {
    const served = new Set(
      (await cluster.kubectl(['api-resources', '-o', 'name'])).stdout
        .trim()
        .split('\n')
        .map((r) => r.trim()),
    )
    const groups = new Set([...served].map((r) => (r.includes('.') ? r.slice(r.indexOf('.') + 1) : '')))
    const docs = (await readFile(join(ROOT, 'deploy', 'rbac.yaml'), 'utf8'))
      .split('\n---\n')
      .map((d) => parse(d))
    const role = docs.find((d) => d.kind === 'ClusterRole')
    const unknown: string[] = []
    for (const rule of role.rules as { apiGroups: string[]; resources: string[] }[]) {
      const g = rule.apiGroups[0]!
      if (!groups.has(g)) continue // a CRD group (Istio, Argo CD, Flux…) this bare API server lacks
      for (const r of rule.resources) {
        const name = g ? `${r}.${g}` : r
        // Removed in 1.25: still read on older clusters, where deprecated-api-version reports it.
        if (name === 'podsecuritypolicies.policy') continue
        if (!served.has(name)) unknown.push(name)
      }
    }
    expect(unknown).toEqual([])
  })

  it('lets the service account read what detectors need, but not Secrets, and write nothing', async () => {
    const can = async (...args: string[]) =>
      (await cluster.kubectl(['auth', 'can-i', ...args, '--as', SA], { allowFailure: true })).stdout.trim()
    for (const r of [
      'pods',
      'nodes',
      'deployments.apps',
      'horizontalpodautoscalers.autoscaling',
      'events',
      'apiservices.apiregistration.k8s.io',
    ])
      expect(`${r}: ${await can('list', r, '--all-namespaces')}`).toBe(`${r}: yes`)
    expect(await can('get', 'secrets', '--all-namespaces')).toBe('no')
    expect(await can('list', 'secrets', '--all-namespaces')).toBe('no')
    for (const verb of ['create', 'update', 'patch', 'delete'])
      expect(`${verb}: ${await can(verb, 'pods', '--all-namespaces')}`).toBe(`${verb}: no`)
    expect(await can('create', 'pods/exec', '--all-namespaces')).toBe('no')
  })

  it('is enough for a whole scan: a scan with the service account token reads every kind it needs', async () => {
    const token = (await cluster.kubectl(['create', 'token', 'kubedac', '-n', 'kubedac'])).stdout.trim()
    const cfg = parse(await readFile(cluster.kubeconfig, 'utf8'))
    for (const u of cfg.users) u.user = { token }
    const path = join(cluster.dir, 'sa-kubeconfig')
    await writeFile(path, stringify(cfg))
    const r = kubedac(['scan', '--kubeconfig', path, '--all-contexts', '--format', 'json'])
    const report = JSON.parse(r.stdout) as Report
    expect(report.errors).toEqual([])
    expect(report.clusters[0]?.status).toBe('scanned')
    expect(r.stdout + r.stderr).not.toContain(token)
  })
})
