import { describe, expect, it } from 'vitest'
import { sampleReport } from '../../test/fixtures/report/sample.js'
import { renderJson } from './json.js'

describe('renderJson', () => {
  const text = renderJson(sampleReport())
  const doc = JSON.parse(text)

  it('writes the DESIGN.md keys in schema order with 2-space indent', () => {
    expect(Object.keys(doc)).toEqual(['version', 'generatedAt', 'clusters', 'findings', 'errors'])
    expect(Object.keys(doc.clusters[0])).toEqual(['name', 'source', 'status', 'objects', 'skipped', 'errors'])
    expect(Object.keys(doc.findings[1])).toEqual([
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
    expect(Object.keys(doc.findings[1].object)).toEqual(['apiVersion', 'kind', 'namespace', 'name', 'uid'])
    expect(text.startsWith('{\n  "version": 1,\n  "generatedAt"')).toBe(true)
    expect(text.endsWith('}\n')).toBe(true)
  })

  it('leaves out the internal messageId', () => {
    expect(text).not.toContain('messageId')
  })

  it('omits namespace and uid of a cluster-wide finding rather than writing null', () => {
    const cluster = doc.findings.find((f: { object: { kind: string } }) => f.object.kind === 'Cluster')
    expect(cluster.object).toEqual({ apiVersion: 'v1', kind: 'Cluster', name: 'prod-eu' })
  })

  it('converts BigInt and Map evidence from CEL', () => {
    expect(doc.findings[1].evidence).toEqual({
      replicas: 3,
      available: 0,
      bytes: '9007199254740993',
      pods: [{ name: 'checkout-7d9f-abcde', reason: 'CrashLoopBackOff', restarts: 42 }],
      labels: { app: 'checkout' },
    })
  })

  it('keeps code, line and column of errors', () => {
    expect(doc.errors[0]).toEqual({
      source: 'detectors/custom.yaml',
      message: "fires: Unexpected token '>' at line 3, column 7",
      code: 'KDAC_E_CEL_COMPILE',
      line: 3,
      column: 7,
    })
    expect(Object.keys(doc.clusters[1].errors[0])).toEqual(['source', 'message', 'code', 'line', 'column'])
    expect(doc.clusters[1].skipped).toEqual(['node-memory-pressure', 'idle-cluster'])
  })

  it('keeps the findings in report order', () => {
    expect(doc.findings.map((f: { detector: string }) => f.detector)).toEqual(
      sampleReport().findings.map((f) => f.detector),
    )
  })
})
