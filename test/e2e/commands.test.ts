import { mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/core/types.js'
import { CLI, kubedac, ROOT, tempDir } from './helpers.js'

const FLEET = join(ROOT, 'examples', 'fleet')
const USER = join(ROOT, 'test', 'fixtures', 'user-detectors')

describe('kubedac detectors', () => {
  it('lists the library with severities and categories', () => {
    const r = kubedac(['detectors'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/node-not-ready\s+critical\s+node/)
    expect(r.stdout).toMatch(/\d+ detectors, \d+ enabled/)
  })

  it('prints the catalogue as JSON with plain metadata, and explains one detector', () => {
    const list = JSON.parse(kubedac(['detectors', 'list', '--format', 'json']).stdout) as {
      id: string
      requires: string[]
    }[]
    expect(list.length).toBeGreaterThanOrEqual(15)
    expect(list.find((d) => d.id === 'hpa-missing-resource-requests')?.requires).toContain(
      'autoscaling/v2/HorizontalPodAutoscaler',
    )
    const ex = kubedac(['detectors', 'explain', 'node-not-ready'])
    expect(ex.stdout).toContain('Runbook: docs/detectors/node-not-ready.md')
    expect(ex.stdout).toContain('minDuration')
    const missing = kubedac(['detectors', 'explain', 'nope'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no detector "nope"')
  })
})

describe('kubedac plan', () => {
  it('shows which detectors run and which are skipped for missing data, before scanning', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'only-nodes'))
    const r = kubedac(['plan', join(FLEET, 'prod-eu-1'), '--json'])
    expect(r.code).toBe(0)
    const plan = JSON.parse(r.stdout) as {
      clusters: { name: string; run: string[]; skipped: { id: string; missing: string[] }[] }[]
    }
    const c = plan.clusters[0]!
    expect(c.run).toContain('node-not-ready')
    // A cluster-info dump has no HPAs: HPA detectors are skipped, not passed.
    expect(c.skipped.find((s) => s.id === 'hpa-missing-resource-requests')?.missing).toContain(
      'autoscaling/v2/HorizontalPodAutoscaler',
    )
    expect(kubedac(['plan']).stdout).toContain('files: produces *')
  })
})

describe('kubedac test', () => {
  it('runs every built-in detector suite and passes', () => {
    const r = kubedac(['test'])
    expect(r.stdout).toMatch(/\d+ detectors: \d+ passed, 0 failed/)
    expect(r.code).toBe(0)
  })

  it("runs a team's own TypeScript detector with its cases", () => {
    const r = kubedac(['test', join(USER, 'good')])
    expect(r.stdout).toContain('✓ team-label-missing')
    expect(r.stdout).toMatch(/1 detectors: 2 passed, 0 failed/)
    expect(r.code).toBe(0)
  })

  it('fails on broken detector files and on detectors without cases', () => {
    const r = kubedac(['test', join(USER, 'broken'), join(USER, 'with-collector')])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('syntax-error.mjs')
    expect(r.stdout).toContain('not-a-detector.mjs')
    expect(r.stdout).toContain('namespace-without-owner has no test cases')
  })
})

describe('user detectors and collectors in a scan', () => {
  it('loads TypeScript detectors at run time and reports their findings', () => {
    const r = kubedac([
      'scan',
      join(FLEET, 'prod-eu-1'),
      '--detectors',
      join(USER, 'good'),
      '--format',
      'json',
    ])
    const report = JSON.parse(r.stdout) as Report
    expect(
      report.findings
        .filter((f) => f.detector === 'team-label-missing')
        .map((f) => f.object.name)
        .sort(),
    ).toEqual(['cart', 'checkout', 'frontend'])
  })

  it("feeds a user collector's data to the detectors that require it", () => {
    const r = kubedac([
      'scan',
      join(FLEET, 'staging-us-2'),
      '--detectors',
      join(USER, 'with-collector'),
      '--format',
      'json',
    ])
    const report = JSON.parse(r.stdout) as Report
    const ns = report.findings
      .filter((f) => f.detector === 'namespace-without-owner')
      .map((f) => f.object.name)
    expect(ns.sort()).toEqual(['catalog', 'data', 'payments', 'reports'])
  })

  it('reports a broken user file as an error and still scans with the rest', () => {
    const r = kubedac([
      'scan',
      join(FLEET, 'dev-idle-3'),
      '--detectors',
      join(USER, 'broken'),
      '--format',
      'json',
    ])
    const report = JSON.parse(r.stdout) as Report
    expect(report.errors.map((e) => e.source).join('\n')).toContain('syntax-error.mjs')
    expect(report.findings.map((f) => f.detector)).toContain('cluster-idle')
  })
})

describe('kubedac as a kubectl plugin', () => {
  it('answers `kubectl dac version` through the kubectl-dac binary', () => {
    const bin = tempDir()
    symlinkSync(CLI, join(bin, 'kubectl-dac'))
    const r = spawnSync('kubectl', ['dac', 'version'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    })
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^kubedac \d+\.\d+\.\d+/)
  })
})
