import { readdirSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import type { Report } from '../src/core/types.js'
import { startClusters, type TestCluster } from './cluster/cluster.js'
import { ROOT, kubedac, tempDir } from './e2e/helpers.js'
import { seedNotReadyNode, seedReplicaFailure, withToken } from './support/live-seeds.js'

// Cluster API discovery against real API servers: a management cluster holding Cluster objects
// (the CRD from test/fixtures/capi) and their <name>-kubeconfig Secrets, pointing at two workload
// clusters with seeded problems.
const SA = 'system:serviceaccount:kubedac:kubedac'
let mgmt: TestCluster
let w1: TestCluster
let w2: TestCluster
let clusters: TestCluster[] = []
const dirs: string[] = []

const scan = (args: string[], env: Record<string, string> = {}) => {
  const r = kubedac(['scan', ...args, '--format', 'json'], { env })
  return { ...r, report: JSON.parse(r.stdout || '{}') as Report }
}
const statuses = (r: Report) => Object.fromEntries(r.clusters.map((c) => [c.name, c.status]))
const reason = (r: Report, name: string) =>
  r.clusters
    .find((c) => c.name === name)
    ?.errors.map((e) => e.message)
    .join('; ') ?? ''

async function createCluster(
  ns: string,
  name: string,
  opts: { labels?: Record<string, string>; phase?: string; kubeconfig?: string; apiVersion?: string },
) {
  const obj = {
    apiVersion: opts.apiVersion ?? 'cluster.x-k8s.io/v1beta1',
    kind: 'Cluster',
    metadata: { name, namespace: ns, labels: opts.labels ?? {} },
    spec: { controlPlaneEndpoint: { host: '127.0.0.1', port: 6443 } },
  }
  await mgmt.kubectl(['apply', '-f', '-'], { input: JSON.stringify(obj) })
  if (opts.phase)
    await mgmt.kubectl([
      'patch',
      'clusters.cluster.x-k8s.io',
      name,
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { phase: opts.phase } }),
    ])
  if (opts.kubeconfig !== undefined)
    await mgmt.kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'cluster.x-k8s.io/secret',
        metadata: {
          name: `${name}-kubeconfig`,
          namespace: ns,
          labels: { 'cluster.x-k8s.io/cluster-name': name },
        },
        data: { value: Buffer.from(opts.kubeconfig).toString('base64') },
      }),
    })
}

beforeAll(async () => {
  clusters = await startClusters(3, { prefix: 'kubedac-capi' })
  ;[mgmt, w1, w2] = clusters as [TestCluster, TestCluster, TestCluster]
  await Promise.all([seedNotReadyNode(w1), seedReplicaFailure(w2)])
  await mgmt.kubectl(['apply', '-f', join(ROOT, 'test', 'fixtures', 'capi', 'cluster-crd.yaml')])
  await mgmt.kubectl([
    'wait',
    '--for=condition=Established',
    'crd/clusters.cluster.x-k8s.io',
    '--timeout=60s',
  ])
  for (const ns of ['fleet-a', 'fleet-b', 'other']) await mgmt.kubectl(['create', 'namespace', ns])
  const w1Config = await readFile(w1.kubeconfig, 'utf8')
  const w2Config = await readFile(w2.kubeconfig, 'utf8')
  const execConfig = stringify({
    ...parse(w1Config),
    users: [
      {
        name: 'kubedac-capi-2-admin',
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: 'sh',
            args: ['-c', 'touch /tmp/kubedac-pwned'],
          },
        },
      },
    ],
  })
  await createCluster('fleet-a', 'alpha', {
    labels: { team: 'payments', env: 'prod' },
    phase: 'Provisioned',
    kubeconfig: w1Config,
  })
  // Created as v1beta2: one storage, both versions served; kubedac reads the preferred one.
  await createCluster('fleet-b', 'beta', {
    labels: { team: 'search' },
    phase: 'Provisioned',
    kubeconfig: w2Config,
    apiVersion: 'cluster.x-k8s.io/v1beta2',
  })
  await createCluster('fleet-a', 'ghost', { phase: 'Provisioned' })
  await createCluster('fleet-a', 'baby', { phase: 'Provisioning', kubeconfig: 'not: [a kubeconfig' })
  await createCluster('fleet-b', 'evil', { phase: 'Provisioned', kubeconfig: execConfig })
  await mgmt.kubectl([
    'create',
    'secret',
    'generic',
    'decoy',
    '-n',
    'other',
    '--from-literal=password=hunter2',
  ])
}, 600_000)

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()))
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

describe('kubedac scan --capi-kubeconfig (Cluster API discovery, real API servers)', () => {
  it('finds the problems seeded in both workload clusters, and reports the others unreachable with their reason', () => {
    // Kubeconfigs stay in memory: nothing lands in HOME or the temp dir.
    const home = tempDir('kubedac-capi-home-')
    const tmp = tempDir('kubedac-capi-tmp-')
    dirs.push(home, tmp)
    const { report, code, stdout, stderr } = scan(['--capi-kubeconfig', mgmt.kubeconfig], {
      HOME: home,
      TMPDIR: tmp,
    })
    expect(statuses(report)).toEqual({
      alpha: 'scanned',
      baby: 'unreachable',
      beta: 'scanned',
      evil: 'unreachable',
      ghost: 'unreachable',
    })
    const loud = report.findings
      .filter((f) => f.severity !== 'info')
      .map((f) => `${f.cluster} ${f.detector} ${f.object.name}`)
    expect(loud).toContain('alpha node-not-ready n1')
    expect(loud).toContain('beta deployment-replica-failure ledger')
    expect(loud).toContain('ghost cluster-unreachable ghost')
    expect(reason(report, 'ghost')).toContain('Cluster API: Secret fleet-a/ghost-kubeconfig not found')
    expect(reason(report, 'baby')).toContain(
      'Cluster fleet-a/baby is in phase Provisioning, not Provisioned; not scanned',
    )
    expect(reason(report, 'evil')).toMatch(
      /Secret fleet-b\/evil-kubeconfig key "value" is not a usable kubeconfig: .*exec is not allowed/,
    )
    expect(code).toBe(1)
    for (const secret of [w1.adminToken, w2.adminToken]) expect(stdout + stderr).not.toContain(secret)
    expect(readdirSync(home)).toEqual([])
    expect(readdirSync(tmp)).toEqual([])
    expect(readdirSync('/tmp').includes('kubedac-pwned')).toBe(false)
  })

  it('reads Clusters in the version the management cluster prefers (v1beta2 here, stored as v1beta1)', async () => {
    const group = JSON.parse((await mgmt.kubectl(['get', '--raw', '/apis/cluster.x-k8s.io'])).stdout)
    expect(group.preferredVersion.version).toBe('v1beta2')
    // beta was created as v1beta2, the others as v1beta1: all are found through one version.
    const { report } = scan(['--capi-kubeconfig', mgmt.kubeconfig, '--capi-namespace', 'fleet-b'])
    expect(report.clusters.map((c) => c.source)).toEqual(['capi:fleet-b/beta', 'capi:fleet-b/evil'])
  })

  it('limits discovery to one namespace with --capi-namespace', () => {
    const { report } = scan(['--capi-kubeconfig', mgmt.kubeconfig, '--capi-namespace', 'fleet-b'])
    expect(statuses(report)).toEqual({ beta: 'scanned', evil: 'unreachable' })
  })

  it('a management cluster without Cluster API is an input error, not a crash', () => {
    const { report, code } = scan(['--capi-kubeconfig', w1.kubeconfig])
    expect(report.clusters).toEqual([])
    expect(report.errors.map((e) => [e.code, e.message])).toEqual([
      ['KDAC_E_CAPI', expect.stringContaining('does not serve cluster.x-k8s.io (is Cluster API installed?)')],
    ])
    expect(code).toBe(2)
  })

  it("plans the workload clusters with the Cluster objects' labels", () => {
    const r = kubedac([
      'plan',
      '--capi-kubeconfig',
      mgmt.kubeconfig,
      '--capi-namespace',
      'fleet-a',
      '--format',
      'json',
    ])
    const plan = JSON.parse(r.stdout) as {
      clusters: { name: string; labels?: Record<string, string>; status: string; list: unknown[] }[]
    }
    const alpha = plan.clusters.find((c) => c.name === 'alpha')
    expect(alpha).toMatchObject({ labels: { team: 'payments', env: 'prod' }, status: 'scanned' })
    expect(alpha?.list.length).toBeGreaterThan(10)
    expect(plan.clusters.find((c) => c.name === 'ghost')?.status).toBe('unreachable')
  })

  it('reads Cluster API sources from fleet.yaml, with the source labels under the Cluster labels', async () => {
    const dir = tempDir()
    dirs.push(dir)
    const fleet = join(dir, 'fleet.yaml')
    await writeFile(
      fleet,
      [
        'clusters:',
        `  - { name: direct, kubeconfig: ${w2.kubeconfig}, context: ${w2.context}, labels: { team: direct } }`,
        'clusterAPI:',
        `  - { kubeconfig: ${mgmt.kubeconfig}, namespace: fleet-a, labels: { tier: gold, team: platform } }`,
      ].join('\n') + '\n',
    )
    const r = kubedac(['plan', '--fleet', fleet, '--format', 'json'])
    const plan = JSON.parse(r.stdout) as { clusters: { name: string; labels?: Record<string, string> }[] }
    expect(Object.fromEntries(plan.clusters.map((c) => [c.name, c.labels]))).toEqual({
      direct: { team: 'direct' },
      alpha: { tier: 'gold', team: 'payments', env: 'prod' },
      baby: { tier: 'gold', team: 'platform' },
      ghost: { tier: 'gold', team: 'platform' },
    })
    const { report } = scan(['--fleet', fleet])
    expect(statuses(report)).toMatchObject({ direct: 'scanned', alpha: 'scanned', ghost: 'unreachable' })
  })
})

describe('deploy/capi-rbac.yaml (opt-in Secret access for Cluster API discovery)', () => {
  let saKubeconfig = ''
  const can = async (...args: string[]) =>
    (await mgmt.kubectl(['auth', 'can-i', ...args, '--as', SA], { allowFailure: true })).stdout.trim()

  beforeAll(async () => {
    await mgmt.kubectl(['apply', '-f', join(ROOT, 'deploy', 'namespace.yaml')])
    await mgmt.kubectl(['apply', '-f', join(ROOT, 'deploy', 'rbac.yaml')])
    await mgmt.kubectl(['apply', '-f', join(ROOT, 'deploy', 'capi-rbac.yaml')])
    // The RoleBinding of capi-rbac.yaml, copied into the namespace holding alpha (fleet-a) only.
    const docs = (await readFile(join(ROOT, 'deploy', 'capi-rbac.yaml'), 'utf8'))
      .split(/^---$/m)
      .map((d) => parse(d))
    const binding = docs.find((d) => d.kind === 'RoleBinding')
    binding.metadata.namespace = 'fleet-a'
    await mgmt.kubectl(['apply', '-f', '-'], { input: JSON.stringify(binding) })
    const token = (await mgmt.kubectl(['create', 'token', 'kubedac', '-n', 'kubedac'])).stdout.trim()
    saKubeconfig = join(mgmt.dir, 'sa-kubeconfig')
    await writeFile(saKubeconfig, stringify(withToken(parse(await readFile(mgmt.kubeconfig, 'utf8')), token)))
  })

  it('the default ClusterRole still denies Secrets everywhere the opt-in role is not bound', async () => {
    const role = JSON.parse(
      (await mgmt.kubectl(['get', 'clusterrole', 'kubedac-reader', '-o', 'json'])).stdout,
    ) as {
      rules: { resources: string[] }[]
    }
    expect(role.rules.flatMap((r) => r.resources)).not.toContain('secrets')
    expect(await can('get', 'secrets', '--all-namespaces')).toBe('no')
    for (const ns of ['fleet-b', 'other', 'kube-system', 'kubedac'])
      expect(`${ns}: ${await can('get', 'secrets', '-n', ns)}`).toBe(`${ns}: no`)
  })

  it('grants exactly get on Secrets where it is bound, and list/watch on Clusters', async () => {
    expect(await can('get', 'secrets', '-n', 'fleet-a')).toBe('yes')
    for (const verb of ['list', 'watch', 'create', 'update', 'patch', 'delete'])
      expect(`${verb}: ${await can(verb, 'secrets', '-n', 'fleet-a')}`).toBe(`${verb}: no`)
    for (const verb of ['get', 'list', 'watch'])
      expect(`${verb}: ${await can(verb, 'clusters.cluster.x-k8s.io', '--all-namespaces')}`).toBe(
        `${verb}: yes`,
      )
    expect(await can('delete', 'clusters.cluster.x-k8s.io', '-n', 'fleet-a')).toBe('no')
    const list = (await mgmt.kubectl(['auth', 'can-i', '--list', '-n', 'fleet-a', '--as', SA])).stdout
    const secretsRow = list.split('\n').filter((l) => /^secrets\s/.test(l))
    expect(secretsRow).toHaveLength(1)
    expect(secretsRow[0]).toMatch(/\[get\]\s*$/)
  })

  it('with the service account, scans the clusters whose Secret it may read and names the role for the others', async () => {
    const { report, stdout, stderr } = scan(['--capi-kubeconfig', saKubeconfig])
    expect(statuses(report)).toMatchObject({ alpha: 'scanned', beta: 'unreachable', ghost: 'unreachable' })
    expect(reason(report, 'beta')).toContain(
      'not allowed to get Secret fleet-b/beta-kubeconfig (HTTP 403 Forbidden',
    )
    expect(reason(report, 'beta')).toContain('bind the opt-in kubedac-capi-secrets role')
    expect(stdout + stderr).not.toContain(parse(await readFile(saKubeconfig, 'utf8')).users[0].user.token)
  })
})
