import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './cluster-stale.js'
import { node } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function rs(name: string, namespace: string, created: string | undefined): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace, ...(created ? { creationTimestamp: created } : {}) },
    spec: { replicas: 1, selector: { matchLabels: { app: name } } },
  }
}

function deploy(name: string, namespace: string, created: string, rolledOut?: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, creationTimestamp: created },
    spec: { replicas: 1, selector: { matchLabels: { app: name } } },
    status: rolledOut
      ? {
          conditions: [
            {
              type: 'Progressing',
              status: 'True',
              reason: 'NewReplicaSetAvailable',
              lastUpdateTime: rolledOut,
              lastTransitionTime: created,
            },
          ],
        }
      : {},
  }
}

const old = [
  deploy('web', 'shop', '2025-06-01T00:00:00Z', '2026-01-10T08:00:00Z'),
  rs('web-5d4f7b9c8', 'shop', '2025-12-20T08:00:00Z'),
  rs('web-7d9f8b6c5d', 'shop', '2026-01-10T08:00:00Z'),
  rs('coredns-5d78c9869d', 'kube-system', '2026-02-28T00:00:00Z'),
]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when a ReplicaSet was created three days ago',
      now: NOW,
      objects: [...old, rs('api-6f8d9c7b5', 'payments', '2026-02-26T10:00:00Z')],
    },
    {
      name: 'does not fire when a Deployment rolled out two days ago (only Deployments collected)',
      now: NOW,
      objects: [deploy('web', 'shop', '2025-06-01T00:00:00Z', '2026-02-27T10:00:00Z')],
    },
    {
      name: 'does not fire on a cluster with no workloads outside system namespaces (cluster-idle reports it)',
      now: NOW,
      objects: [rs('coredns-5d78c9869d', 'kube-system', '2025-01-01T00:00:00Z')],
    },
    {
      name: 'does not judge rendered manifests without timestamps',
      now: NOW,
      objects: [rs('web-7d9f8b6c5d', 'shop', undefined)],
    },
  ],
  invalid: [
    {
      name: 'fires when the newest app rollout is seven weeks old, however recent kube-system changes are',
      now: NOW,
      objects: old,
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'stale',
          data: {
            for: '50d4h',
            latest: 'ReplicaSet shop/web-7d9f8b6c5d created',
            at: '2026-01-10T08:00:00Z',
          },
        },
      ],
    },
    {
      name: 'fires from Deployment rollouts alone when ReplicaSets were not collected',
      now: NOW,
      objects: [deploy('web', 'shop', '2025-06-01T00:00:00Z', '2026-01-10T08:00:00Z')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'stale',
          data: { latest: 'Deployment shop/web rolled out' },
        },
      ],
    },
    {
      name: 'fires after a week when maxAge is seven days',
      now: NOW,
      params: { maxAge: '7d' },
      objects: [...old, rs('api-6f8d9c7b5', 'payments', '2026-02-20T12:00:00Z')],
      findings: [{ object: { kind: 'Cluster', name: 'test' }, messageId: 'stale', data: { for: '9d' } }],
    },
  ],
  skip: [
    { name: 'is skipped when neither Deployments nor ReplicaSets were collected', objects: [node('n1')] },
  ],
})
