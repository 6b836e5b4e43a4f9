import { describe, expect, it } from 'vitest'
import type { Finding, Report } from '../core/types.js'
import { fingerprintOf } from '../findings/finding.js'
import { renderJson } from '../report/json.js'
import { applySilences, renderJsonWithSilences, silencedSummary, silenceNotices } from './apply.js'
import type { Silence } from './silences.js'

const NOW = new Date('2026-03-01T12:00:00Z')

function f(cluster: string, detector: string, kind: string, name: string, namespace?: string): Finding {
  const object = {
    apiVersion: kind === 'Node' ? 'v1' : 'apps/v1',
    kind,
    name,
    ...(namespace ? { namespace } : {}),
  }
  return {
    detector,
    title: detector,
    severity: 'warning',
    category: 'pod',
    cluster,
    object,
    messageId: 'm',
    message: `${detector} on ${name}`,
    evidence: { n: 1 },
    remediation: 'fix it',
    runbook: 'https://example.com/runbook',
    fingerprint: fingerprintOf(detector, cluster, object),
  }
}

const findings = [
  f('prod-eu-1', 'image-pull-failure', 'Deployment', 'cart', 'shop'),
  f('prod-eu-1', 'node-not-ready', 'Node', 'node-3'),
  f('staging-us-2', 'image-pull-failure', 'Deployment', 'cart', 'shop'),
  f('staging-us-2', 'container-crashloop', 'Deployment', 'web', 'shop'),
]
const report: Report = {
  version: 1,
  generatedAt: '2026-03-01T12:00:00.000Z',
  clusters: [],
  findings,
  errors: [],
}
const clusterLabels: Record<string, Record<string, string>> = {
  'prod-eu-1': { env: 'prod' },
  'staging-us-2': { env: 'staging' },
}
const objectLabels = new Map([[findings[3]!.fingerprint, { app: 'web', team: 'shop' }]])

const s = (id: string, matchers: Silence['matchers'], expiresAt = '2026-03-05T00:00:00.000Z'): Silence => ({
  id,
  matchers,
  owner: 'alice',
  reason: 'known',
  ticket: 'OPS-1',
  expiresAt,
})

function apply(silences: Silence[], now = NOW) {
  return applySilences(
    report,
    silences,
    (c) => clusterLabels[c],
    (x) => objectLabels.get(x.fingerprint),
    now,
  )
}

describe('applySilences', () => {
  it('moves silenced findings out of findings, each with its silence, and leaves the report passed in alone', () => {
    const before = JSON.stringify(report)
    const out = apply([
      s('staging-pulls', { detector: 'image-pull-failure', clusterLabels: { env: 'staging' } }),
      s('web-owner', { objectLabels: { team: 'shop' } }),
    ])
    expect(out.findings.map((x) => `${x.cluster} ${x.detector}`)).toEqual([
      'prod-eu-1 image-pull-failure',
      'prod-eu-1 node-not-ready',
    ])
    expect(out.silenced.map((x) => [x.cluster, x.detector, x.silence.id])).toEqual([
      ['staging-us-2', 'image-pull-failure', 'staging-pulls'],
      ['staging-us-2', 'container-crashloop', 'web-owner'],
    ])
    expect(out.silenced[0]!.silence).toEqual({
      id: 'staging-pulls',
      owner: 'alice',
      reason: 'known',
      ticket: 'OPS-1',
      expiresAt: '2026-03-05T00:00:00.000Z',
    })
    expect(JSON.stringify(report)).toBe(before)
  })

  it('silences nothing once the silence has expired', () => {
    const out = apply([s('gone', { detector: 'image-pull-failure' }, '2026-03-01T12:00:00.000Z')])
    expect(out.findings).toHaveLength(4)
    expect(out.silenced).toEqual([])
  })

  it('never matches a namespace matcher on a cluster-scoped finding', () => {
    const out = apply([s('all-ns', { namespace: '*' })])
    expect(out.findings.map((x) => x.object.kind)).toEqual(['Node'])
  })

  it('asks for object labels only when a silence needs them', () => {
    let asked = 0
    applySilences(
      report,
      [s('by-cluster', { cluster: 'prod-*' })],
      (c) => clusterLabels[c],
      () => {
        asked++
        return undefined
      },
      NOW,
    )
    expect(asked).toBe(0)
  })
})

describe('renderJsonWithSilences', () => {
  it('puts silenced beside findings, in the same shape plus the silence', () => {
    const out = apply([s('staging-pulls', { detector: 'image-pull-failure', cluster: 'staging-*' })])
    const doc = JSON.parse(renderJsonWithSilences(out)) as Record<string, unknown>
    expect(Object.keys(doc)).toEqual(['version', 'generatedAt', 'clusters', 'findings', 'silenced', 'errors'])
    const plain = JSON.parse(renderJson({ ...report, findings: [findings[2]!] })) as { findings: unknown[] }
    expect(doc.silenced).toEqual([{ ...(plain.findings[0] as object), silence: out.silenced[0]!.silence }])
    expect((doc.findings as unknown[]).length).toBe(3)
  })
})

describe('summaries', () => {
  it('counts silenced findings for the table, by silence', () => {
    const out = apply([
      s('pulls', { detector: 'image-pull-failure' }),
      s('crash', { detector: 'container-crashloop' }),
    ])
    expect(silencedSummary(out)).toBe(
      '3 silenced (not counted; --format json lists them under "silenced"; by silence: pulls 2, crash 1).\n',
    )
    expect(silencedSummary(apply([]))).toBe('')
  })

  it('names silences that have ended and those about to end', () => {
    const text = silenceNotices(
      [
        s('old', { cluster: 'a' }, '2026-02-01T00:00:00.000Z'),
        s('soon', { cluster: 'b' }, '2026-03-03T00:00:00.000Z'),
        s('later', { cluster: 'c' }, '2026-04-01T00:00:00.000Z'),
      ],
      NOW,
      7 * 86_400_000,
    )
    expect(text).toBe(
      'kubedac: 1 silence(s) have expired and no longer silence anything: old (2026-02-01T00:00:00.000Z)\n' +
        'kubedac: 1 silence(s) expire within 7 days: soon (2026-03-03T00:00:00.000Z, alice)\n',
    )
  })
})
