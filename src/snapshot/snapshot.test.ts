import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../core/types.js'
import { deployment, node, pod, rsName } from '../detectors/lib/fixtures.js'
import { SnapshotBuilder } from './snapshot.js'

function build(objs: KubeObject[], now?: Date) {
  const b = new SnapshotBuilder('c1')
  for (const o of objs) b.add(o)
  return b.build(now ? { now } : {})
}

describe('snapshot', () => {
  it('indexes by kind, namespace and name, across API versions of one group', () => {
    const hpa = {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h', namespace: 'a' },
    }
    const s = build([pod('p1', { namespace: 'a' }), pod('p2', { namespace: 'b' }), hpa, node('n1')])
    expect(s.list('v1/Pod').map((p) => p.metadata.name)).toEqual(['p1', 'p2'])
    expect(s.list('v1/Pod', 'b').map((p) => p.metadata.name)).toEqual(['p2'])
    expect(s.get('v1/Pod', 'a', 'p1')?.metadata.name).toBe('p1')
    expect(s.get('v1/Pod', 'b', 'p1')).toBeUndefined()
    expect(s.get('autoscaling/v2/HorizontalPodAutoscaler', 'a', 'h')).toBe(hpa)
    expect(s.get('v1/Node', undefined, 'n1')?.kind).toBe('Node')
    expect(s.has('v1/Pod')).toBe(true)
    expect(s.has('apps/v1/Deployment')).toBe(false)
  })

  it('keeps the same object once and drops managedFields on load', () => {
    const b = new SnapshotBuilder('c1')
    const p = pod('p1')
    p.metadata.managedFields = [{ manager: 'kubectl' }]
    expect(b.add(p)).toBe(true)
    expect(b.add(pod('p1'))).toBe(false)
    expect(b.duplicateCount).toBe(1)
    const s = b.build()
    expect(s.size).toBe(1)
    expect(s.list('v1/Pod')[0]?.metadata.managedFields).toBeUndefined()
  })

  it('keeps managedFields when a detector needs them', () => {
    const b = new SnapshotBuilder('c1', { keepManagedFields: true })
    const p = pod('p1')
    p.metadata.managedFields = [{ manager: 'argocd-controller' }]
    b.add(p)
    expect(b.build().list('v1/Pod')[0]?.metadata.managedFields).toHaveLength(1)
  })

  it('walks the owner graph both ways, by uid and by name when uids are missing', () => {
    const [d, rs] = deployment('web')
    const p = pod('web-1', { owner: { kind: 'ReplicaSet', name: rsName('web') } })
    const s = build([d!, rs!, p])
    expect(s.rootOwner(p)).toBe(d)
    expect(s.ownersOf(p)).toEqual([rs])
    expect(s.childrenOf(d!)).toEqual([rs])
    expect(s.podsFor(d!)).toEqual([p])
    // Strip uids: dumps of rendered manifests often have none.
    for (const o of [d!, rs!, p]) {
      delete o.metadata.uid
      for (const r of o.metadata.ownerReferences ?? []) delete r.uid
    }
    const s2 = build([d!, rs!, p])
    expect(s2.rootOwner(p)).toBe(d)
    expect(s2.childrenOf(rs!)).toEqual([p])
  })

  it('stops at a missing owner and survives ownership cycles', () => {
    const p = pod('orphan', { owner: { kind: 'ReplicaSet', name: 'gone' } })
    const a: KubeObject = {
      apiVersion: 'v1',
      kind: 'A',
      metadata: {
        name: 'a',
        namespace: 'default',
        ownerReferences: [{ apiVersion: 'v1', kind: 'B', name: 'b' }],
      },
    }
    const c: KubeObject = {
      apiVersion: 'v1',
      kind: 'B',
      metadata: {
        name: 'b',
        namespace: 'default',
        ownerReferences: [{ apiVersion: 'v1', kind: 'A', name: 'a' }],
      },
    }
    const s = build([p, a, c])
    expect(s.rootOwner(p)).toBe(p)
    expect(['a', 'b']).toContain(s.rootOwner(a).metadata.name)
  })

  it('matches Service, PDB and NetworkPolicy selectors to pods', () => {
    const web = pod('web-1', { labels: { app: 'web', tier: 'fe' } })
    const api = pod('api-1', { labels: { app: 'api' } })
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' } },
    }
    const headless = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext', namespace: 'default' },
      spec: {},
    }
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'p', namespace: 'default' },
      spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } },
    }
    const np = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'all', namespace: 'default' },
      spec: { podSelector: {} },
    }
    const s = build([web, api, svc, headless, pdb, np])
    expect(s.podsFor(svc)).toEqual([web])
    expect(s.podsFor(headless)).toEqual([])
    expect(s.podsFor(pdb)).toEqual([web, api])
    expect(s.podsFor(np)).toEqual([web, api])
    expect(s.select('v1/Pod', 'default', { matchLabels: { tier: 'fe' } })).toEqual([web])
  })

  it('finds the pods an HPA scales through its target', () => {
    const [d, rs] = deployment('web')
    const p = pod('web-1', { owner: { kind: 'ReplicaSet', name: rsName('web') }, labels: { app: 'web' } })
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
    }
    expect(build([d!, rs!, p, hpa]).podsFor(hpa)).toEqual([p])
  })

  it('indexes events by involved object, core and events.k8s.io alike, oldest first', () => {
    const p = pod('p1')
    const e1 = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p1', uid: p.metadata.uid },
      reason: 'BackOff',
      lastTimestamp: '2026-01-01T00:05:00Z',
    }
    const e2 = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e2', namespace: 'default' },
      regarding: { kind: 'Pod', namespace: 'default', name: 'p1' },
      reason: 'Failed',
      eventTime: '2026-01-01T00:01:00.000000Z',
    }
    const s = build([p, e1, e2])
    expect(s.eventsFor(p).map((e) => e.metadata.name)).toEqual(['e2', 'e1'])
  })

  it('counts an event once when both APIs list it (one object: same uid, namespace and name)', () => {
    const n = node('n1')
    const core = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'n1.17a', namespace: 'default', uid: 'ev-1' },
      involvedObject: { kind: 'Node', name: 'n1', uid: 'n1' },
      reason: 'NodeNotReady',
      lastTimestamp: '2026-01-01T00:05:00Z',
    }
    const modern = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'n1.17a', namespace: 'default', uid: 'ev-1' },
      regarding: { kind: 'Node', name: 'n1', uid: 'n1' },
      reason: 'NodeNotReady',
      deprecatedLastTimestamp: '2026-01-01T00:05:00Z',
    }
    // Without a uid (a trimmed dump), the namespace and name still tell it is the same event.
    const bare = (e: typeof core | typeof modern) => ({
      ...e,
      metadata: { name: 'n1.17b', namespace: 'default' },
    })
    const other = { ...modern, metadata: { name: 'n1.17c', namespace: 'default', uid: 'ev-3' } }
    const s = build([n, core, modern, bare(core), bare(modern), other])
    expect(s.eventsFor(n).map((e) => `${e.apiVersion} ${e.metadata.name}`)).toEqual([
      'v1 n1.17a',
      'v1 n1.17b',
      'events.k8s.io/v1 n1.17c',
    ])
  })

  it("takes `now` from the dump's newest timestamp, not the clock", () => {
    const n = node('n1')
    ;(n.status.conditions as { lastHeartbeatTime?: string }[])[0]!.lastHeartbeatTime = '2026-02-03T04:05:06Z'
    const s = build([pod('p', { created: '2026-01-01T00:00:00Z' }), n])
    expect(s.now.toISOString()).toBe('2026-02-03T04:05:06.000Z')
    const fixed = new Date('2030-01-01T00:00:00Z')
    expect(build([n], fixed).now).toBe(fixed)
  })

  it('uses the clock when the input has no timestamps (rendered manifests)', () => {
    const before = Date.now()
    const s = build([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'd' } }])
    expect(s.now.getTime()).toBeGreaterThanOrEqual(before)
  })

  it('counts a typed-but-empty list as collected, and data keys as collected', () => {
    const b = new SnapshotBuilder('c1')
    b.markCollected('autoscaling/v2/HorizontalPodAutoscaler')
    b.setData('cmdb/owners', { web: 'team-a' })
    const s = b.build()
    expect(s.has('autoscaling/v2/HorizontalPodAutoscaler')).toBe(true)
    expect(s.has('autoscaling/v1/HorizontalPodAutoscaler')).toBe(true)
    expect(s.list('autoscaling/v2/HorizontalPodAutoscaler')).toEqual([])
    expect(s.data('cmdb/owners')).toEqual({ web: 'team-a' })
    expect(s.has('cmdb/owners')).toBe(true)
  })
})

describe('managedFields by kind', () => {
  it('keeps managedFields only on the kinds asked for', () => {
    const b = new SnapshotBuilder('c1', { keepManagedFields: new Set(['apps/Deployment']) })
    const [d] = deployment('web')
    d!.metadata.managedFields = [{ manager: 'argocd-controller' }]
    const p = pod('p1')
    p.metadata.managedFields = [{ manager: 'kubelet' }]
    b.add(d!)
    b.add(p)
    const s = b.build()
    expect(s.get('apps/v1/Deployment', 'default', 'web')?.metadata.managedFields).toHaveLength(1)
    expect(s.get('v1/Pod', 'default', 'p1')?.metadata.managedFields).toBeUndefined()
  })
})
