import { describe, expect, it } from 'vitest'
import type { KubeObject } from '../../core/types.js'
import { SnapshotBuilder } from '../../snapshot/snapshot.js'
import { deployment, pod, rsName } from './fixtures.js'
import { podTemplates, templateContainers } from './workloads.js'

function snap(objs: KubeObject[]) {
  const b = new SnapshotBuilder('c')
  for (const o of objs) b.add(o)
  return b.build()
}

describe('podTemplates', () => {
  it('gives one template per workload, not one per replica, and bare pods on their own', () => {
    const [d, rs] = deployment('web')
    const pods = [
      pod('web-1', { owner: { kind: 'ReplicaSet', name: rsName('web') } }),
      pod('web-2', { owner: { kind: 'ReplicaSet', name: rsName('web') } }),
    ]
    const cron: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly', namespace: 'default', uid: 'cj' },
      spec: {
        jobTemplate: {
          spec: { template: { metadata: { labels: { job: 'n' } }, spec: { containers: [{ name: 'run' }] } } },
        },
      },
    }
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'nightly-1',
        namespace: 'default',
        ownerReferences: [
          { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj', controller: true },
        ],
      },
      spec: { template: { spec: { containers: [{ name: 'run' }] } } },
    }
    const t = podTemplates(snap([d!, rs!, ...pods, pod('bare'), cron, job]))
    expect(t.map((x) => `${x.owner.kind}/${x.owner.metadata.name}`).sort()).toEqual([
      'CronJob/nightly',
      'Deployment/web',
      'Pod/bare',
    ])
    expect(t.find((x) => x.owner.kind === 'CronJob')?.labels).toEqual({ job: 'n' })
  })

  it('checks pods themselves when their workload was not collected (a `kubectl get pods` dump)', () => {
    const t = podTemplates(snap([pod('web-1', { owner: { kind: 'ReplicaSet', name: 'web-x' } })]))
    expect(t.map((x) => x.owner.metadata.name)).toEqual(['web-1'])
  })

  it('lists containers with init containers and native sidecars marked', () => {
    const cs = templateContainers({
      initContainers: [{ name: 'proxy', restartPolicy: 'Always' }, { name: 'migrate' }, 'junk'],
      containers: [{ name: 'app' }, null],
    })
    expect(cs.map((c) => [c.name, c.kind, c.sidecar])).toEqual([
      ['proxy', 'init', true],
      ['migrate', 'init', false],
      ['app', 'app', false],
    ])
  })
})
