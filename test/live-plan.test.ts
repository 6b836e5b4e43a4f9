import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import type { Report } from '../src/core/types.js'
import { mergeKubeconfigs, startCluster, type TestCluster } from './cluster/cluster.js'
import { CLI, ROOT, kubedac, tempDir } from './e2e/helpers.js'

// `kubedac plan --kubeconfig` against real API servers: discovery only (checked in the API server's
// audit log), one cluster serving the Argo CD Application CRD and one not; and the progress bar and
// end-of-scan summary of a live scan with one cluster down.
let clusters: TestCluster[] = []
let argo: TestCluster
let kubeconfig = ''
let withDead = ''
let auditLog = ''
const dirs: string[] = []

type LivePlan = {
  name: string
  status: string
  list: { apiVersion: string; kind: string; resource: string; fieldSelectors?: string[] }[]
  notServed: { groupKind: string; keys: string[] }[]
  superseded: { groupKind: string; keys: string[]; by: string }[]
  neverListed: string[]
  run: string[]
  skipped: { id: string; missing: string[] }[]
  errors: { code: string; message: string }[]
}

/** Requests kubedac (not kubectl, not the API server itself) made, from the audit log, after line `from`. */
function kubedacRequests(from: number): { verb: string; uri: string; code?: number }[] {
  return readFileSync(auditLog, 'utf8')
    .trim()
    .split('\n')
    .slice(from)
    .map(
      (l) =>
        JSON.parse(l) as {
          stage: string
          verb: string
          requestURI: string
          userAgent?: string
          user: { username: string }
          responseStatus?: { code?: number }
        },
    )
    .filter(
      (e) =>
        e.stage === 'ResponseComplete' &&
        e.user.username === 'kubedac-admin' &&
        !(e.userAgent ?? '').startsWith('kubectl'),
    )
    .map((e) => ({ verb: e.verb, uri: e.requestURI, code: e.responseStatus?.code }))
}
const auditLines = () => readFileSync(auditLog, 'utf8').trim().split('\n').length

beforeAll(async () => {
  const audit = tempDir('kubedac-audit-')
  dirs.push(audit)
  await writeFile(
    join(audit, 'policy.yaml'),
    'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n',
  )
  auditLog = join(audit, 'audit.log')
  const started = await Promise.allSettled([
    startCluster('kubedac-plan-1', {
      apiserverArgs: [`--audit-policy-file=${join(audit, 'policy.yaml')}`, `--audit-log-path=${auditLog}`],
    }),
    startCluster('kubedac-plan-2'),
  ])
  clusters = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  ;[argo] = clusters as [TestCluster, TestCluster]
  await argo.kubectl(['apply', '-f', join(ROOT, 'test', 'fixtures', 'crds', 'argocd-application-crd.yaml')])
  await argo.kubectl(['wait', '--for=condition=Established', 'crd/applications.argoproj.io', '--timeout=60s'])
  kubeconfig = await mergeKubeconfigs(clusters, join(argo.dir, 'merged-kubeconfig'))
  const cfg = parse(await readFile(kubeconfig, 'utf8'))
  cfg.clusters.push({ name: 'dead', cluster: { ...cfg.clusters[0].cluster, server: 'https://127.0.0.1:1' } })
  cfg.contexts.push({ name: 'dead', context: { cluster: 'dead', user: cfg.contexts[0].context.user } })
  withDead = join(argo.dir, 'with-dead')
  await writeFile(withDead, stringify(cfg))
}, 600_000)

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()))
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

describe('kubedac plan --kubeconfig (API discovery, no LIST)', () => {
  let plans: Record<string, LivePlan> = {}

  it('shows per cluster the kinds it will list, those not served, and the detectors therefore skipped', () => {
    const before = auditLines()
    const r = kubedac(['plan', '--kubeconfig', withDead, '--all-contexts', '--format', 'json'])
    expect(r.code).toBe(0)
    plans = Object.fromEntries((JSON.parse(r.stdout).clusters as LivePlan[]).map((p) => [p.name, p]))
    const a = plans['kubedac-plan-1']!
    const b = plans['kubedac-plan-2']!
    expect(a.list).toContainEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      resource: 'applications',
      namespaced: true,
      keys: ['argoproj.io/v1alpha1/Application'],
    })
    expect(a.notServed.map((n) => n.groupKind)).not.toContain('argoproj.io/Application')
    expect(a.run).toContain('argocd-app-degraded')
    expect(b.list.map((l) => l.kind)).not.toContain('Application')
    expect(b.notServed).toContainEqual({
      groupKind: 'argoproj.io/Application',
      keys: ['argoproj.io/v1alpha1/Application'],
    })
    expect(b.skipped).toContainEqual({
      id: 'argocd-app-degraded',
      missing: ['argoproj.io/v1alpha1/Application'],
    })
    expect(b.run).not.toContain('argocd-app-degraded')
    for (const p of [a, b]) {
      expect(p.status).toBe('scanned')
      expect(p.list.map((l) => `${l.apiVersion}/${l.kind}`)).toEqual(
        expect.arrayContaining(['v1/Pod', 'apps/v1/Deployment', 'v1/Node']),
      )
      // Endpoints are not listed where EndpointSlices are: the endpoint detectors read the slices;
      // nor events.k8s.io Events, the core Events under another API.
      expect(p.superseded).toEqual([
        { groupKind: 'Endpoints', keys: ['v1/Endpoints'], by: 'discovery.k8s.io/EndpointSlice' },
        {
          groupKind: 'events.k8s.io/Event',
          keys: ['events.k8s.io/v1beta1/Event', 'events.k8s.io/v1/Event'],
          by: 'Event',
        },
      ])
      expect(p.list.map((l) => l.kind)).not.toContain('Endpoints')
      expect(p.list.filter((l) => l.kind === 'Event').map((l) => l.apiVersion)).toEqual(['v1'])
      // Listed twice: the Warnings, and the Normal events of Nodes (readiness changes).
      expect(p.list.find((l) => l.kind === 'Event')?.fieldSelectors).toEqual([
        'type=Warning',
        'involvedObject.kind=Node,type=Normal',
      ])
      expect(p.list.filter((l) => l.fieldSelectors).map((l) => l.kind)).toEqual(['Event'])
      expect(p.run).toContain('service-no-endpoints')
      // Secrets are never listed: a detector that needs them is skipped on a live cluster.
      expect(p.neverListed).toEqual(['v1/Secret'])
      expect(p.list.map((l) => l.kind)).not.toContain('Secret')
      expect(p.skipped.find((s) => s.id === 'dangling-secret-ref')?.missing).toContain('v1/Secret')
    }
    // Discovery only: kubedac made GETs on the discovery paths, and not one LIST.
    const reqs = kubedacRequests(before)
    expect(reqs.length).toBeGreaterThan(0)
    expect(reqs.filter((q) => q.verb !== 'get')).toEqual([])
    // Aggregated discovery (/api and /apis) or the per-version documents (/api/v1, /apis/<g>/<v>).
    expect(
      reqs.map((q) => q.uri).filter((u) => !/^\/(api(\/[^/?]+)?|apis(\/[^/?]+){0,2})\/?(\?.*)?$/.test(u)),
    ).toEqual([])
  })

  it('a scan of the same cluster does LIST (so the audit check above can fail), as many as the plan says', () => {
    const before = auditLines()
    const r = kubedac(['scan', '--kubeconfig', kubeconfig, '--context', 'kubedac-plan-1', '--format', 'json'])
    expect((JSON.parse(r.stdout) as Report).errors).toEqual([])
    const lists = kubedacRequests(before).filter((q) => q.verb === 'list')
    expect(lists.map((q) => q.uri)).toContainEqual(
      expect.stringMatching(/^\/apis\/argoproj\.io\/v1alpha1\/applications\?/),
    )
    // The API server takes both event selectors (an unknown field would be a 400).
    const events = lists.filter((q) => q.uri.startsWith('/api/v1/events?'))
    expect(events.map((q) => [new URL(q.uri, 'http://x').searchParams.get('fieldSelector'), q.code])).toEqual(
      [
        ['type=Warning', 200],
        ['involvedObject.kind=Node,type=Normal', 200],
      ],
    )
    // One LIST per planned kind, two for Events (every list fits one page here).
    const planned = plans['kubedac-plan-1']!.list
    expect(lists).toHaveLength(planned.reduce((n, l) => n + (l.fieldSelectors?.length ?? 1), 0))
  })

  it('plans an unreachable cluster as unreachable, with the reason, claiming nothing about what it serves', () => {
    const d = plans['dead']!
    expect(d.status).toBe('unreachable')
    expect(d.list).toEqual([])
    expect(d.notServed).toEqual([])
    expect(d.errors[0]).toMatchObject({
      code: 'KDAC_E_CLUSTER_UNREACHABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    })
    expect(d.run).toContain('cluster-unreachable')
  })

  it('prints the same as text', () => {
    const r = kubedac(['plan', '--kubeconfig', kubeconfig, '--context', 'kubedac-plan-2'])
    expect(r.stdout).toMatch(
      /Cluster kubedac-plan-2 \(kubeconfig:kubedac-plan-2\) at https:\/\/127\.0\.0\.1:\d+: API discovery only/,
    )
    expect(r.stdout).toMatch(/ {2}will list \(\d+ kinds, \d+ LISTs\): .*pods\.v1/)
    expect(r.stdout).toContain('events.v1 (type=Warning; involvedObject.kind=Node,type=Normal)')
    const [, kinds, lists] = /will list \((\d+) kinds, (\d+) LISTs\)/.exec(r.stdout)!
    expect(Number(lists)).toBe(Number(kinds) + 1)
    expect(r.stdout).toMatch(/ {2}not served \(\d+\): .*argoproj\.io\/Application/)
    expect(r.stdout).toContain(
      '  not listed (2): Endpoints, read from discovery.k8s.io/EndpointSlice; events.k8s.io/Event, read from Event',
    )
    expect(r.stdout).toContain('  never listed (credentials): v1/Secret')
    expect(r.stdout).toContain('    argocd-app-degraded: no argoproj.io/v1alpha1/Application')
  })
})

describe('live scan progress and summary (stderr only)', () => {
  it('with --progress, draws the bar and ends with a summary naming the unreachable cluster and why', () => {
    const r = kubedac(['scan', '--kubeconfig', withDead, '--all-contexts', '--format', 'json', '--progress'])
    const report = JSON.parse(r.stdout) as Report // stdout is the report alone
    expect(report.clusters).toHaveLength(3)
    expect(r.stderr).toContain('3/3 clusters | 0 partial, 1 unreachable')
    const summary = r.stderr.slice(r.stderr.indexOf('kubedac: 3 clusters'))
    expect(summary).toMatch(
      /^kubedac: 3 clusters in \d+\.\d s: 2 scanned, 0 partial, 1 unreachable\n {2}unreachable dead: cluster API is unreachable: https:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/,
    )
  })

  it('writes nothing to stderr when it is not a terminal and --progress is not given', () => {
    const r = kubedac(['scan', '--kubeconfig', withDead, '--all-contexts', '--format', 'json'])
    expect(r.stderr).toBe('')
    expect((JSON.parse(r.stdout) as Report).clusters).toHaveLength(3)
  })

  // util-linux `script` gives the CLI a pty; without it there is no terminal to test with.
  const hasScript = spawnSync('script', ['--version']).status === 0
  it.skipIf(!hasScript)(
    'shows the bar and summary by itself on a terminal (script gives the CLI a pty)',
    () => {
      const dir = tempDir()
      dirs.push(dir)
      const out = join(dir, 'report.json')
      const cmd = [
        process.execPath,
        CLI,
        'scan',
        '--kubeconfig',
        withDead,
        '--all-contexts',
        '--format',
        'json',
        '-o',
        out,
      ]
        .map((a) => `'${a}'`)
        .join(' ')
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, NO_COLOR: '1' },
      })
      expect(r.stdout).toContain('clusters | 0 partial')
      expect(r.stdout).toMatch(/kubedac: 3 clusters in \d+\.\d s: 2 scanned, 0 partial, 1 unreachable/)
      expect((JSON.parse(readFileSync(out, 'utf8')) as Report).clusters).toHaveLength(3)
    },
  )
})
