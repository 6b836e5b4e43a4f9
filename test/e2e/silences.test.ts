import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Finding, Report } from '../../src/core/types.js'
import { kubedac, ROOT, tempDir } from './helpers.js'

// `kubedac scan --silences` with the built CLI on the example fleet: silenced findings leave
// `findings` for a `silenced` array of their own, the exit code ignores them, the table counts them.
const FLEET = join(ROOT, 'examples', 'fleet')
const DAY = 86_400_000
const dir = tempDir('kubedac-silences-')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Silences are judged at the clock (no --now): their ends are set from it.
const inDays = (d: number) => new Date(Date.now() + d * DAY).toISOString()

type Silenced = Finding & { silence: { id: string; owner: string; reason: string; expiresAt: string } }
type JsonReport = Report & { silenced?: Silenced[] }

function scanJson(args: string[]): { report: JsonReport; code: number; stderr: string } {
  const r = kubedac(['scan', ...args, '--format', 'json', '--no-progress'])
  return { report: JSON.parse(r.stdout) as JsonReport, code: r.code, stderr: r.stderr }
}

function file(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

const id = (f: Finding) => `${f.cluster} ${f.detector} ${f.object.kind}/${f.object.name}`

// A fleet file over the example dumps, with the labels silences match on.
const fleet = file(
  'fleet.yaml',
  `clusters:
  - { name: dev-idle-3, path: ${join(FLEET, 'dev-idle-3')}, labels: { env: dev, team: platform } }
  - { name: prod-eu-1, path: ${join(FLEET, 'prod-eu-1')}, labels: { env: prod, team: shop } }
  - { name: staging-us-2, path: ${join(FLEET, 'staging-us-2')}, labels: { env: staging, team: shop } }
`,
)

describe('kubedac scan --silences on the example fleet', () => {
  const plain = scanJson(['--fleet', fleet])
  const silences = file(
    'silences.yaml',
    `silences:
  - id: node-3-replacement
    matchers: { cluster: prod-eu-1, detector: "node-*" }
    owner: platform-team
    reason: node-3 is being replaced
    ticket: OPS-17
    expiresAt: ${inDays(5)}
  - id: staging-quotas
    matchers: { clusterLabels: { env: staging }, namespace: "~payments|data" }
    owner: payments-team
    reason: quota raise requested
    expiresAt: ${inDays(30)}
  - id: checkout-by-label
    matchers: { objectLabels: { app.kubernetes.io/name: "check*" } }
    owner: shop-team
    reason: memory fix rolling out
    expiresAt: ${inDays(20)}
  - id: ended
    matchers: { detector: cluster-idle }
    owner: finops
    reason: was being decommissioned
    expiresAt: ${inDays(-1)}
`,
  )
  const run = scanJson(['--fleet', fleet, '--silences', silences])

  it('fails on the critical node finding without silences, and passes once it is silenced', () => {
    expect(plain.code).toBe(1)
    expect(plain.report.silenced).toBeUndefined()
    expect(plain.report.findings.some((f) => f.severity === 'critical')).toBe(true)
    expect(run.code).toBe(0)
    expect(run.report.findings.some((f) => f.severity === 'critical')).toBe(false)
  })

  it('moves silenced findings to silenced, never mixed with findings, and loses none', () => {
    const open = run.report.findings.map(id)
    const held = run.report.silenced!.map(id)
    expect(open.filter((x) => held.includes(x))).toEqual([])
    expect([...open, ...held].sort()).toEqual(plain.report.findings.map(id).sort())
    const byId = (sid: string) =>
      run.report
        .silenced!.filter((f) => f.silence.id === sid)
        .map(id)
        .sort()
    expect(byId('node-3-replacement')).toEqual([
      'prod-eu-1 node-memory-pressure Node/prod-eu-1-node-2',
      'prod-eu-1 node-not-ready Node/prod-eu-1-node-3',
      'prod-eu-1 node-unreachable Node/prod-eu-1-node-3',
    ])
    // Cluster labels and a namespace regex: only staging's payments and data namespaces.
    const staging = run.report.silenced!.filter((f) => f.silence.id === 'staging-quotas')
    expect(staging.length).toBeGreaterThan(0)
    for (const f of staging) {
      expect(f.cluster).toBe('staging-us-2')
      expect(['payments', 'data']).toContain(f.object.namespace)
    }
    expect(byId('staging-quotas')).toContain('staging-us-2 quota-exhausted ResourceQuota/compute')
    // Object labels, read from the snapshot while it was alive.
    expect(byId('checkout-by-label')).toContain('prod-eu-1 container-crashloop Deployment/checkout')
    expect(byId('checkout-by-label').every((x) => x.includes('Deployment/checkout'))).toBe(true)
    expect(run.report.silenced![0]!.silence).toMatchObject({
      owner: expect.any(String),
      expiresAt: expect.any(String),
    })
  })

  it('lets an expired silence silence nothing, and says so on stderr', () => {
    expect(run.report.findings.map(id)).toContain('dev-idle-3 cluster-idle Cluster/dev-idle-3')
    expect(run.report.silenced!.some((f) => f.silence.id === 'ended')).toBe(false)
    expect(run.stderr).toMatch(/1 silence\(s\) have expired and no longer silence anything: ended/)
    expect(run.stderr).toMatch(/expire within 7 days: node-3-replacement/)
  })

  it('counts silenced findings apart in the table summary', () => {
    const r = kubedac(['scan', '--fleet', fleet, '--silences', silences, '--no-progress'])
    expect(r.code).toBe(0)
    const n = run.report.silenced!.length
    expect(r.stdout).toMatch(new RegExp(`\\n${n} silenced \\(not counted; .*by silence: `))
    expect(r.stdout).not.toMatch(/node-not-ready/)
  })

  it('reads silences: from kubedac.yaml, relative to that file', () => {
    const sub = join(dir, 'conf')
    rmSync(sub, { recursive: true, force: true })
    file(
      'conf-silences.yaml',
      `silences:\n  - { matchers: { detector: node-not-ready }, owner: a, reason: b, expiresAt: "${inDays(2)}" }\n`,
    )
    const config = file('kubedac.yaml', 'silences: conf-silences.yaml\n')
    const r = scanJson(['--fleet', fleet, '--config', config])
    expect(r.report.silenced!.map(id)).toEqual(['prod-eu-1 node-not-ready Node/prod-eu-1-node-3'])
    expect(r.code).toBe(0)
  })

  it('refuses a broken silences file before scanning, naming file, line and field', () => {
    const bad = file(
      'bad.yaml',
      `silences:\n  - matchers: { cluster: prod-eu-1 }\n    owner: a\n    reason: b\n    expiresAt: ${inDays(200)}\n`,
    )
    const r = kubedac(['scan', '--fleet', fleet, '--silences', bad, '--no-progress'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/bad\.yaml:5:16: silences\[0\]\.expiresAt: is more than 90 days ahead/)
    expect(r.stderr).toMatch(/KDAC_E_SILENCES/)
    const wider = kubedac([
      'scan',
      '--fleet',
      fleet,
      '--silences',
      bad,
      '--silences-max-days',
      '365',
      '--format',
      'json',
    ])
    expect(wider.code).toBe(0)
  })
})
