import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './pvc-unused.js'
import { deployment, pod, statefulSet } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function pvc(
  name: string,
  opts: { phase?: string; created?: string; namespace?: string; owned?: boolean } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: opts.namespace ?? 'shop',
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
      ...(opts.owned
        ? {
            ownerReferences: [
              { apiVersion: 'v1', kind: 'Pod', name: 'scratch', uid: 'u-scratch', controller: true },
            ],
          }
        : {}),
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'gp3',
      resources: { requests: { storage: '100Gi' } },
      volumeName: `pvc-${name}`,
    },
    status: { phase: opts.phase ?? 'Bound', capacity: { storage: '100Gi' } },
  }
}

function mounting(name: string, claim: string, owner?: { kind: string; name: string }): KubeObject {
  return pod(name, {
    namespace: 'shop',
    ...(owner ? { owner } : {}),
    spec: {
      containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
    },
  })
}

const db = (replicas: number) =>
  statefulSet('db', {
    namespace: 'shop',
    replicas,
    spec: {
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '100Gi' } } } },
      ],
    },
  })

// A Deployment scaled to zero still names its claim in its template.
const [paused] = deployment('uploads', {
  namespace: 'shop',
  replicas: 0,
  spec: {
    replicas: 0,
    template: {
      spec: {
        containers: [{ name: 'app', image: 'registry.example.com/uploads:1' }],
        volumes: [{ name: 'files', persistentVolumeClaim: { claimName: 'uploads-files' } }],
      },
    },
  },
}) as [KubeObject]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on claims mounted by pods, or named by a Deployment scaled to zero',
      now: NOW,
      objects: [pvc('cache'), mounting('cache-worker', 'cache'), pvc('uploads-files'), paused],
    },
    {
      name: 'does not fire on the claim of a StatefulSet replica whose pod is being recreated',
      now: NOW,
      objects: [
        db(2),
        pvc('data-db-0'),
        pvc('data-db-1'),
        mounting('db-0', 'data-db-0', { kind: 'StatefulSet', name: 'db' }),
      ],
    },
    {
      name: 'does not fire on a Pending claim, a claim owned by a pod, or one created three days ago',
      now: NOW,
      objects: [
        pvc('waiting', { phase: 'Pending' }),
        pvc('scratch-data', { owned: true }),
        pvc('fresh', { created: '2026-02-26T12:00:00Z' }),
        mounting('web', 'other'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a Bound claim that nothing mounts or names',
      now: NOW,
      objects: [pvc('cache'), mounting('cache-worker', 'cache'), pvc('old-export')],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'old-export' },
          messageId: 'unused',
          data: { size: '100Gi', age: '59d12h' },
        },
      ],
    },
    {
      name: 'fires on the claims a StatefulSet kept after scaling from three replicas to one',
      now: NOW,
      objects: [
        db(1),
        pvc('data-db-0'),
        pvc('data-db-1'),
        pvc('data-db-2'),
        mounting('db-0', 'data-db-0', { kind: 'StatefulSet', name: 'db' }),
      ],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-1' },
          messageId: 'scaledDown',
          data: { statefulSet: 'db', ordinal: 1, replicas: 1 },
        },
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-2' },
          messageId: 'scaledDown',
          data: { ordinal: 2 },
        },
      ],
    },
    {
      name: 'fires on a three-day-old claim when minAge is one day',
      now: NOW,
      params: { minAge: '1d' },
      objects: [pvc('fresh', { created: '2026-02-26T12:00:00Z' }), mounting('web', 'other')],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'fresh' },
          messageId: 'unused',
          data: { age: '3d' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [pvc('cache'), paused] }],
})
