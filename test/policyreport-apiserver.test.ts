import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments, stringify } from 'yaml'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PolicyReportObject } from '../src/report/policyreport.js'
import { startCluster, type TestCluster } from './cluster/cluster.js'
import { kubedac, ROOT, tempDir } from './e2e/helpers.js'

// kubedac's --format policyreport output, applied to a real kube-apiserver that has the
// wgpolicyk8s.io/v1alpha2 CRDs: the API server validates every report against the published schema
// (and kubectl asks it to refuse unknown fields), and what it stores is compared with what was rendered.
const CRDS = join(ROOT, 'test', 'fixtures', 'policyreport', 'wgpolicyk8s.io-v1alpha2-crds.yaml')
const FLEET = join(ROOT, 'examples', 'fleet')
const CLUSTER_LABEL = 'kubedac.io/cluster'

let cluster: TestCluster | undefined
const dir = tempDir('kubedac-policyreport-')

beforeAll(async () => {
  cluster = await startCluster('policyreport')
  const crd = await cluster.kubectl(['apply', '-f', CRDS])
  expect(crd.stderr).toBe('')
  await cluster.kubectl([
    'wait',
    '--for=condition=established',
    '--timeout=60s',
    'crd/policyreports.wgpolicyk8s.io',
    'crd/clusterpolicyreports.wgpolicyk8s.io',
  ])
}, 180_000)

afterAll(async () => {
  await cluster?.stop()
  rmSync(dir, { recursive: true, force: true })
})

interface Stored {
  kind: string
  metadata: {
    name: string
    namespace?: string
    labels: Record<string, string>
    annotations: Record<string, string>
  }
  summary: PolicyReportObject['summary']
  results?: PolicyReportObject['results']
}

describe('kubedac scan --format policyreport against a real API server', () => {
  const out = join(dir, 'reports.yaml')
  const run = kubedac(['scan', FLEET, '--format', 'policyreport', '-o', out, '--no-progress'])
  const text = readFileSync(out, 'utf8')
  const docs = parseAllDocuments(text).map((d) => d.toJS() as PolicyReportObject)

  it('renders reports for every cluster of the fleet scan', () => {
    expect(run.code).toBe(1)
    const byCluster = new Map<string, string[]>()
    for (const d of docs) {
      const c = d.metadata.labels[CLUSTER_LABEL]!
      byCluster.set(c, [
        ...(byCluster.get(c) ?? []),
        `${d.kind} ${d.metadata.namespace ?? ''}/${d.metadata.name}`,
      ])
    }
    expect([...byCluster.keys()]).toEqual(['dev-idle-3', 'prod-eu-1', 'staging-us-2'])
    for (const list of byCluster.values()) expect(list[0]).toBe('ClusterPolicyReport /kubedac-cluster')
    expect(byCluster.get('prod-eu-1')).toContain('PolicyReport shop/kubedac-shop')
  })

  it('applies cluster by cluster (kubectl apply -l), and the API server stores every field as rendered', async () => {
    const k = cluster!
    for (const name of ['dev-idle-3', 'prod-eu-1', 'staging-us-2']) {
      const mine = docs.filter((d) => d.metadata.labels[CLUSTER_LABEL] === name)
      for (const ns of new Set(mine.flatMap((d) => (d.metadata.namespace ? [d.metadata.namespace] : []))))
        await k.kubectl(['create', 'namespace', ns], { allowFailure: true })
      const applied = await k.kubectl([
        'apply',
        '--validate=strict',
        '-l',
        `${CLUSTER_LABEL}=${name}`,
        '-f',
        out,
      ])
      expect(applied.code, applied.stderr).toBe(0)
      expect(applied.stdout.trim().split('\n')).toHaveLength(mine.length)
      const got = await k.kubectl([
        'get',
        'policyreports.wgpolicyk8s.io,clusterpolicyreports.wgpolicyk8s.io',
        '-A',
        '-l',
        `${CLUSTER_LABEL}=${name}`,
        '-o',
        'json',
      ])
      const items = (JSON.parse(got.stdout) as { items: Stored[] }).items
      const key = (o: { kind: string; metadata: { name: string; namespace?: string } }) =>
        `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`
      expect(items.map(key).sort()).toEqual(mine.map(key).sort())
      for (const want of mine) {
        const have = items.find((i) => key(i) === key(want))!
        // A structural schema prunes what it does not know: equality means nothing was dropped.
        expect(have.results ?? []).toEqual(want.results)
        expect(have.summary).toEqual(want.summary)
        expect(have.metadata.labels).toEqual(want.metadata.labels)
        expect(have.metadata.annotations[CLUSTER_LABEL]).toBe(name)
      }
    }
    const results = docs.flatMap((d) => d.results)
    expect(results.length).toBeGreaterThan(50)
    expect(new Set(results.map((r) => r.severity))).toEqual(new Set(['critical', 'medium', 'info']))
  })

  it('is refused by the API server when a report breaks the schema, so the checks above can fail', async () => {
    const k = cluster!
    const good = docs.find((d) => d.kind === 'PolicyReport' && d.results.length > 0)!
    const badSeverity = structuredClone(good)
    badSeverity.metadata.name = 'kubedac-bad-severity'
    ;(badSeverity.results[0] as { severity: string }).severity = 'warning'
    const bad1 = await k.kubectl(['apply', '-f', '-'], { input: stringify(badSeverity), allowFailure: true })
    expect(bad1.code).not.toBe(0)
    expect(bad1.stderr).toMatch(/results\[0\]\.severity: Unsupported value: "warning"/)
    const unknownField = structuredClone(good)
    unknownField.metadata.name = 'kubedac-bad-field'
    ;(unknownField.results[0] as unknown as Record<string, unknown>).evidence = 'x'
    const bad2 = await k.kubectl(['apply', '--validate=strict', '-f', '-'], {
      input: stringify(unknownField),
      allowFailure: true,
    })
    expect(bad2.code).not.toBe(0)
    expect(bad2.stderr).toMatch(/unknown field "results\[0\]\.evidence"/)
    // The same object without the breakage goes in.
    writeFileSync(
      join(dir, 'good.yaml'),
      stringify({ ...good, metadata: { ...good.metadata, name: 'kubedac-good' } }),
    )
    const ok = await k.kubectl(['apply', '--validate=strict', '-f', join(dir, 'good.yaml')])
    expect(ok.code, ok.stderr).toBe(0)
  })
})
