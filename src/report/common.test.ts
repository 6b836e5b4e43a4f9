import { describe, expect, it } from 'vitest'
import { sampleReport } from '../../test/fixtures/report/sample.js'
import {
  allErrors,
  escapeControls,
  groupByCluster,
  objectLabel,
  runbookHref,
  summaryLine,
  toPlain,
} from './common.js'

describe('toPlain', () => {
  it('turns safe BigInts into numbers and unsafe ones into strings', () => {
    expect(toPlain({ a: 42n, b: 9007199254740993n, c: -9007199254740993n })).toEqual({
      a: 42,
      b: '9007199254740993',
      c: '-9007199254740993',
    })
  })

  it('turns Maps, Sets, Dates and bytes into JSON values', () => {
    const out = toPlain({
      m: new Map<unknown, unknown>([
        ['k', 1n],
        [2, 'two'],
      ]),
      s: new Set([1, 2]),
      d: new Date('2026-01-02T03:04:05Z'),
      b: new Uint8Array([104, 105]),
    })
    expect(out).toEqual({ m: { k: 1, 2: 'two' }, s: [1, 2], d: '2026-01-02T03:04:05.000Z', b: 'aGk=' })
  })

  it('survives cycles, non-finite numbers and undefined fields', () => {
    const a: Record<string, unknown> = { n: NaN, i: Infinity, u: undefined, f: () => 1 }
    a.self = a
    expect(toPlain(a)).toEqual({ n: 'NaN', i: 'Infinity', self: '[Circular]' })
  })

  it('keeps a value shared by two branches, which is not a cycle', () => {
    const shared = { x: 1 }
    expect(toPlain({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } })
  })
})

describe('escapeControls', () => {
  it('makes escape sequences and bells visible but keeps tabs and newlines by default', () => {
    expect(escapeControls('a\u001b[31mb\u0007\t\n\u009b')).toBe('a\\u001b[31mb\\u0007\t\n\\u009b')
  })

  it('escapes carriage returns when asked to keep only tabs', () => {
    expect(escapeControls('a\rb\nc', '\t')).toBe('a\\u000db\\u000ac')
  })
})

describe('groupByCluster', () => {
  it('keeps the report cluster order and sorts findings most urgent first', () => {
    const groups = groupByCluster(sampleReport())
    expect(groups.map((g) => g.cluster.name)).toEqual(['prod-eu', 'staging'])
    expect(groups[0]?.findings.map((f) => f.severity)).toEqual(['critical', 'warning', 'info'])
  })

  it('gives a finding of an unlisted cluster its own group instead of dropping it', () => {
    const r = sampleReport()
    r.findings.push({ ...r.findings[0]!, cluster: 'ghost' })
    expect(groupByCluster(r).map((g) => g.cluster.name)).toEqual(['prod-eu', 'staging', 'ghost'])
  })
})

describe('allErrors', () => {
  it('lists top-level errors, then cluster errors with their cluster', () => {
    const errs = allErrors(sampleReport())
    expect(errs.map((e) => [e.error.source, e.cluster])).toEqual([
      ['detectors/custom.yaml', undefined],
      ['rendered-manifests/broken.yaml', 'staging'],
    ])
  })

  it('does not count an error twice when it is recorded at both levels', () => {
    const r = sampleReport()
    r.errors.push({ ...r.clusters[1]!.errors[0]! })
    expect(allErrors(r)).toHaveLength(2)
  })
})

describe('labels and links', () => {
  it('labels cluster-scoped objects without a namespace', () => {
    expect(objectLabel({ apiVersion: 'v1', kind: 'Cluster', name: 'prod' })).toBe('Cluster prod')
    expect(objectLabel({ apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: 'p' })).toBe('Pod ns/p')
  })

  it('links http(s) URLs and relative paths but never other schemes', () => {
    expect(runbookHref('https://x.example/r')).toBe('https://x.example/r')
    expect(runbookHref('docs/detectors/x.md')).toBe('docs/detectors/x.md')
    expect(runbookHref('javascript:alert(1)')).toBeUndefined()
    expect(runbookHref('JaVaScRiPt:alert(1)')).toBeUndefined()
    expect(runbookHref('data:text/html,x')).toBeUndefined()
    expect(runbookHref('//evil.example/x')).toBeUndefined()
    expect(runbookHref('')).toBeUndefined()
  })

  it('summarizes counts per severity, clusters and errors', () => {
    expect(summaryLine(sampleReport())).toBe(
      '5 findings: 1 critical, 2 warning, 2 info across 2 clusters; 2 errors',
    )
  })
})
