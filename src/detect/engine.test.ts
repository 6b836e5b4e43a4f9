import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../core/types.js'
import { deployment, node, pod, rsName } from '../detectors/lib/fixtures.js'
import { SnapshotBuilder } from '../snapshot/snapshot.js'
import { defineDetector, type Detector } from './define.js'
import { runDetectors } from './engine.js'

function snap(objs: KubeObject[]) {
  const b = new SnapshotBuilder('prod-1')
  for (const o of objs) b.add(o)
  return b.build({ now: new Date('2026-03-01T00:00:00Z') })
}

const everyPod = defineDetector({
  meta: {
    id: 'every-pod',
    title: 'Every pod',
    severity: 'warning',
    category: 'custom',
    requires: ['v1/Pod'],
    messages: { hit: 'Pod {{name}} in {{namespace}} hit' },
    remediation: 'Fix {{name}}',
  },
  detect({ snapshot, report }) {
    for (const p of snapshot.list('v1/Pod'))
      report({ object: p, messageId: 'hit', evidence: { phase: p.status?.phase } })
  },
})

const conf = (d: Detector, severity = d.meta.severity) => ({ detector: d, severity, params: {} })

describe('engine', () => {
  it('rolls pod findings up to the owning Deployment, pods in evidence', () => {
    const [d, rs] = deployment('web')
    const pods = [1, 2, 3].map((i) => pod(`web-${i}`, { owner: { kind: 'ReplicaSet', name: rsName('web') } }))
    const r = runDetectors(snap([d!, rs!, ...pods, pod('bare')]), [conf(everyPod)])
    expect(r.findings).toHaveLength(2)
    const web = r.findings.find((f) => f.object.kind === 'Deployment')!
    expect(web.object).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
    })
    expect(web.evidence).toMatchObject({ pods: ['web-1', 'web-2', 'web-3'], podCount: 3 })
    expect(web.message).toContain('Affects 3 pods of Deployment web.')
    expect(r.findings.find((f) => f.object.kind === 'Pod')?.object.name).toBe('bare')
  })

  it('keeps pod findings on the pod when the detector opts out of roll-up', () => {
    const d = defineDetector({ ...everyPod, meta: { ...everyPod.meta, rollup: false } })
    const [dep, rs] = deployment('web')
    const r = runDetectors(
      snap([dep!, rs!, pod('web-1', { owner: { kind: 'ReplicaSet', name: rsName('web') } })]),
      [conf(d)],
    )
    expect(r.findings[0]?.object.kind).toBe('Pod')
  })

  it('skips a detector whose required kinds were not collected, instead of passing it', () => {
    const r = runDetectors(snap([node('n1')]), [conf(everyPod)])
    expect(r.skipped).toEqual(['every-pod'])
    expect(r.findings).toEqual([])
  })

  it('reports a detector that throws and still runs the others', () => {
    const boom = defineDetector({
      meta: { ...everyPod.meta, id: 'boom' },
      detect() {
        throw new Error('kaput')
      },
    })
    const r = runDetectors(snap([pod('p')]), [conf(boom), conf(everyPod)])
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatchObject({ code: 'KDAC_E_DETECTOR_THREW', source: 'detector boom' })
    expect(r.errors[0]?.message).toContain('kaput')
    expect(r.findings).toHaveLength(1)
  })

  it('refuses reads of kinds a detector did not declare', () => {
    const sneaky = defineDetector({
      meta: { ...everyPod.meta, id: 'sneaky' },
      detect({ snapshot }) {
        snapshot.list('v1/Secret')
      },
    })
    const r = runDetectors(snap([pod('p')]), [conf(sneaky)])
    expect(r.errors[0]?.code).toBe('KDAC_E_UNDECLARED_KIND')
    expect([...(r.undeclared.get('sneaky') ?? [])]).toEqual(['v1/Secret'])
  })

  it('applies the configured severity and fills message and remediation placeholders', () => {
    const r = runDetectors(snap([pod('p', { namespace: 'shop' })]), [conf(everyPod, 'critical')])
    expect(r.findings[0]).toMatchObject({
      severity: 'critical',
      message: 'Pod p in shop hit',
      remediation: 'Fix p',
      cluster: 'prod-1',
    })
  })

  it('computes fingerprints from identity only: message text and uid do not change them', () => {
    const a = pod('p')
    const b = pod('p', { phase: 'Failed' })
    b.metadata.uid = 'another-uid'
    const fa = runDetectors(snap([a]), [conf(everyPod)]).findings[0]!.fingerprint
    const fb = runDetectors(snap([b]), [conf(everyPod)]).findings[0]!.fingerprint
    expect(fa).toBe(fb)
    const other = runDetectors(snap([pod('q')]), [conf(everyPod)]).findings[0]!.fingerprint
    expect(other).not.toBe(fa)
  })

  it('rejects an unknown messageId as a detector error', () => {
    const bad = defineDetector({
      meta: { ...everyPod.meta, id: 'bad-id' },
      detect({ snapshot, report }) {
        for (const p of snapshot.list('v1/Pod')) report({ object: p, messageId: 'nope' })
      },
    })
    const r = runDetectors(snap([pod('p')]), [conf(bad)])
    expect(r.errors[0]?.message).toContain('unknown messageId "nope"')
  })

  it('supports cluster-wide findings with kind Cluster', () => {
    const idle = defineDetector({
      meta: { ...everyPod.meta, id: 'cluster-wide', messages: { idle: 'Cluster {{name}} is idle' } },
      detect({ snapshot, report }) {
        report({ object: { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster }, messageId: 'idle' })
      },
    })
    const r = runDetectors(snap([pod('p')]), [conf(idle)])
    expect(r.findings[0]).toMatchObject({
      object: { kind: 'Cluster', name: 'prod-1' },
      message: 'Cluster prod-1 is idle',
    })
  })
})
