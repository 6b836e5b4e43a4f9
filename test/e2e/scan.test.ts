import { readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/core/types.js'
import { kubedac, ROOT, tempDir } from './helpers.js'

const FLEET = join(ROOT, 'examples', 'fleet')

function json(args: string[], input?: string): { report: Report; code: number; stderr: string } {
  const r = kubedac(['scan', ...args, '--format', 'json'], input === undefined ? {} : { input })
  return { report: JSON.parse(r.stdout) as Report, code: r.code, stderr: r.stderr }
}

const key = (f: Report['findings'][number]) =>
  `${f.cluster} ${f.severity} ${f.detector} ${f.object.kind} ${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}`

describe('kubedac scan on the example fleet', () => {
  const { report, code } = json([FLEET])

  it('reads the three layouts as three clusters, with nothing skipped for lack of data where the dump has it', () => {
    expect(report.clusters.map((c) => [c.name, c.status])).toEqual([
      ['dev-idle-3', 'scanned'],
      ['prod-eu-1', 'scanned'],
      ['staging-us-2', 'scanned'],
    ])
    expect(report.errors).toEqual([])
    for (const c of report.clusters) expect(c.objects).toBeGreaterThan(10)
  })

  it('finds exactly the seeded problems, and nothing critical or warning on the healthy objects', () => {
    const got = report.findings
      .filter((f) => f.severity !== 'info')
      .map(key)
      .sort()
    expect(got).toEqual(
      [
        'dev-idle-3 warning cluster-idle Cluster dev-idle-3',
        'prod-eu-1 critical node-not-ready Node prod-eu-1-node-3',
        'prod-eu-1 warning container-crashloop Deployment shop/checkout',
        'prod-eu-1 warning container-oomkilled Deployment shop/checkout',
        'prod-eu-1 warning deployment-replicas-unavailable Deployment shop/cart',
        'prod-eu-1 warning deployment-replicas-unavailable Deployment shop/checkout',
        'prod-eu-1 warning image-pull-failure Deployment shop/cart',
        'prod-eu-1 warning node-memory-pressure Node prod-eu-1-node-2',
        'prod-eu-1 warning node-unreachable Node prod-eu-1-node-3',
        'staging-us-2 warning apiservice-unavailable APIService v1beta1.metrics.k8s.io',
        'staging-us-2 warning cluster-n-1-overcommit Cluster staging-us-2',
        'staging-us-2 warning deployment-progress-deadline Deployment reports/renderer',
        'staging-us-2 warning deployment-replica-failure Deployment payments/ledger',
        'staging-us-2 warning deployment-replicas-unavailable Deployment data/migrator',
        'staging-us-2 warning deployment-replicas-unavailable Deployment reports/batch-worker',
        'staging-us-2 warning hpa-metrics-unavailable HorizontalPodAutoscaler catalog/search',
        'staging-us-2 warning hpa-missing-resource-requests HorizontalPodAutoscaler catalog/api',
        'staging-us-2 warning init-stuck Deployment data/migrator',
        'staging-us-2 warning job-failed Job reports/nightly-report-29377440',
        'staging-us-2 warning pod-unschedulable Deployment reports/batch-worker',
        'staging-us-2 warning quota-exhausted ResourceQuota payments/compute',
      ].sort(),
    )
  })

  it('rolls the three crashing checkout pods up into one finding with the pods as evidence', () => {
    const f = report.findings.find((x) => x.detector === 'container-crashloop')!
    expect(f.evidence).toMatchObject({ podCount: 3 })
    expect((f.evidence.pods as string[]).every((p) => p.startsWith('checkout-'))).toBe(true)
  })

  it('names the exhausted quota as the root cause of the replica failure', () => {
    const f = report.findings.find((x) => x.detector === 'deployment-replica-failure')!
    expect(JSON.stringify(f.evidence)).toContain('compute')
  })

  it('writes the report schema of DESIGN.md', () => {
    // The report is written cluster by cluster, findings first: the keys are the schema's, in another order.
    expect(Object.keys(report).sort()).toEqual(['clusters', 'errors', 'findings', 'generatedAt', 'version'])
    expect(report.version).toBe(1)
    expect(Object.keys(report.clusters[0]!)).toEqual([
      'name',
      'source',
      'status',
      'objects',
      'skipped',
      'errors',
    ])
    expect(Object.keys(report.findings[0]!)).toEqual([
      'detector',
      'title',
      'severity',
      'category',
      'cluster',
      'object',
      'message',
      'evidence',
      'remediation',
      'runbook',
      'fingerprint',
    ])
    expect(report.findings.every((f) => /^[0-9a-f]{32}$/.test(f.fingerprint))).toBe(true)
  })

  it('exits 1 when a finding is at or above --fail-on (critical by default), 0 otherwise', () => {
    expect(code).toBe(1)
    const quiet = kubedac(['scan', join(FLEET, 'staging-us-2'), '--format', 'json'])
    expect(quiet.code).toBe(0)
    const strict = kubedac(['scan', join(FLEET, 'staging-us-2'), '--format', 'json', '--fail-on', 'warning'])
    expect(strict.code).toBe(1)
  })

  it('lists hygiene (info) findings in the table only when asked, and counts them otherwise', () => {
    const quiet = kubedac(['scan', FLEET]).stdout
    expect(quiet).toMatch(/\d+ info findings \(hygiene\) not listed; --min-severity info lists them/)
    expect(quiet).not.toMatch(/^\s+INFO\s/m)
    const all = kubedac(['scan', FLEET, '--min-severity', 'info']).stdout
    expect(all).toMatch(/^\s+INFO\s/m)
    expect(all).not.toContain('not listed')
  })

  it('gives the same fingerprints on a second scan', () => {
    const again = json([FLEET]).report
    expect(again.findings.map((f) => f.fingerprint)).toEqual(report.findings.map((f) => f.fingerprint))
  })

  it('prints a table grouped by cluster and severity, without colour when not on a terminal', () => {
    const r = kubedac(['scan', FLEET])
    expect(r.stdout).toContain('prod-eu-1')
    expect(r.stdout).toMatch(/CRITICAL\s+node-not-ready/)
    expect(r.stdout).not.toContain('\u001b[')
  })
})

describe('kubedac scan on broken and mixed input', () => {
  it('names every broken file with line and column, and still scans the good ones', () => {
    const dir = tempDir()
    cpSync(join(FLEET, 'prod-eu-1', 'nodes.json'), join(dir, 'nodes.json'))
    writeFileSync(
      join(dir, 'truncated.json'),
      '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {\n',
    )
    writeFileSync(
      join(dir, 'bad.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: indent\n',
    )
    writeFileSync(join(dir, 'blob.json'), Buffer.from([0x7b, 0x00, 0x01, 0x02]))
    writeFileSync(
      join(dir, 'latin1.yaml'),
      Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n', 'latin1'),
    )
    writeFileSync(join(dir, 'noname.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n')
    const { report, code } = json([dir])
    expect(code).toBe(1) // node-3 is NotReady in the good file
    expect(report.clusters[0]!.objects).toBe(4)
    expect(report.clusters[0]!.status).toBe('partial')
    const bySource = (name: string) => report.errors.find((e) => e.source.endsWith(name))
    expect(bySource('truncated.json')?.message).toMatch(/line \d+/)
    expect(bySource('truncated.json')?.line).toBeGreaterThan(0)
    expect(bySource('bad.yaml')?.line).toBeGreaterThanOrEqual(4)
    expect(bySource('blob.json')?.message).toMatch(/binary/)
    expect(bySource('latin1.yaml')?.message).toMatch(/UTF-8/)
    expect(bySource('noname.yaml')?.message).toMatch(/metadata\.name/)
    expect(report.findings.some((f) => f.detector === 'node-not-ready')).toBe(true)
  })

  it('exits 2 when nothing at all could be scanned', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'broken.json'), '{"apiVersion": "v1", "kind": ')
    const r = kubedac(['scan', dir])
    expect(r.code).toBe(2)
    expect(r.stdout + r.stderr).toContain('broken.json')
    expect(kubedac(['scan', join(dir, 'does-not-exist')]).code).toBe(2)
  })

  it('exits 2 with a clear message on usage errors', () => {
    const bad = kubedac(['scan', FLEET, '--format', 'xml'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/xml/)
    expect(kubedac(['scan', FLEET, '--now', 'yesterday']).code).toBe(2)
    expect(kubedac(['scan', FLEET, '--disable', 'no-such-detector']).stderr).toContain('no-such-detector')
  })

  it('reads a cluster-info dump from stdin', () => {
    const dump = readFileSync(join(FLEET, 'dev-idle-3', 'cluster-info.dump'), 'utf8')
    const { report } = json(['-', '--cluster', 'from-ticket'], dump)
    expect(report.clusters[0]).toMatchObject({ name: 'from-ticket', status: 'scanned' })
    expect(report.findings.map((f) => f.detector)).toContain('cluster-idle')
  })

  it('checks the encoding of stdin like that of a file', () => {
    const r = kubedac(['scan', '-'], {
      input: Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n', 'latin1'),
    })
    expect(r.code).toBe(2)
    expect(r.stdout + r.stderr).toMatch(/stdin.*UTF-8/)
  })

  it('judges time-based rules at --now', () => {
    // Five minutes after the migrator pod started, its init container is not yet "stuck".
    const early = json([join(FLEET, 'staging-us-2'), '--now', '2026-11-24T08:35:00Z']).report
    expect(early.findings.map((f) => f.detector)).not.toContain('init-stuck')
    const late = json([join(FLEET, 'staging-us-2')]).report
    expect(late.findings.map((f) => f.detector)).toContain('init-stuck')
  })

  it('applies a config file: disabled categories, severity overrides, exclusions', () => {
    const dir = tempDir()
    const conf = join(dir, 'kubedac.yaml')
    writeFileSync(
      conf,
      'detectors:\n  disable: [node]\n  severity:\n    image-pull-failure: critical\nexclude:\n  - detectors: [container-oomkilled]\n    namespaces: [shop]\n',
    )
    const { report } = json([join(FLEET, 'prod-eu-1'), '--config', conf])
    const ids = report.findings.map((f) => f.detector)
    expect(ids).not.toContain('node-not-ready')
    expect(ids).not.toContain('container-oomkilled')
    expect(report.findings.find((f) => f.detector === 'image-pull-failure')?.severity).toBe('critical')
    writeFileSync(conf, 'detectors:\n  disable: [nodes]\n')
    const bad = kubedac(['scan', FLEET, '--config', conf])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('"nodes"')
  })

  it('filters the output with --min-severity but keeps the exit code honest', () => {
    const r = json([FLEET, '--min-severity', 'critical'])
    expect(r.report.findings.every((f) => f.severity === 'critical')).toBe(true)
    expect(r.code).toBe(1)
  })

  it('writes every format to a file', () => {
    const dir = tempDir()
    for (const format of ['json', 'sarif', 'junit', 'markdown', 'html', 'table']) {
      const out = join(dir, `report.${format}`)
      const r = kubedac(['scan', FLEET, '--format', format, '--output', out])
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(readFileSync(out, 'utf8')).toContain('prod-eu-1')
    }
    const html = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/i)
  })

  it('treats a folder with files at its top as one cluster even when it also has sub-folders', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'extra'))
    cpSync(join(FLEET, 'prod-eu-1', 'nodes.json'), join(dir, 'nodes.json'))
    cpSync(join(FLEET, 'staging-us-2', 'quotas.yaml'), join(dir, 'extra', 'quotas.yaml'))
    const { report } = json([dir])
    expect(report.clusters).toHaveLength(1)
    expect(report.clusters[0]!.objects).toBe(5)
  })
})
