import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './pod-failed-evicted.js'
import { conditionList, deployment, node, pod, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function failed(
  n: number,
  opts: {
    namespace?: string
    reason?: string
    prefix?: string
    owner?: { kind: string; name: string; apiVersion?: string }
  } = {},
): KubeObject[] {
  const out: KubeObject[] = []
  const reason = opts.reason ?? 'Evicted'
  for (let i = 0; i < n; i++)
    out.push(
      pod(`${opts.prefix ?? 'web-7d9f8b6c5d'}-${reason.toLowerCase()}-${i}`, {
        namespace: opts.namespace ?? 'shop',
        phase: 'Failed',
        labels: { app: 'web' },
        ...(opts.owner ? { owner: opts.owner } : {}),
        status: {
          reason,
          message:
            reason === 'Evicted'
              ? 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 85Mi.'
              : 'Pod was terminated in response to imminent node shutdown.',
          conditions: conditionList({
            DisruptionTarget: ['True', 'TerminationByKubelet'],
          }),
        },
      }),
    )
  return out
}

const webOwner = { kind: 'ReplicaSet', name: rsName('web') }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on nine evicted pods (below the threshold)',
      now: NOW,
      objects: failed(9),
    },
    {
      name: 'does not fire on the failed pods a Job keeps as its history',
      now: NOW,
      objects: failed(15, {
        reason: 'Error',
        prefix: 'nightly',
        owner: { kind: 'Job', name: 'nightly', apiVersion: 'batch/v1' },
      }),
    },
    {
      name: 'does not fire on completed pods',
      now: NOW,
      objects: Array.from({ length: 12 }, (_, i) =>
        pod(`done-${i}`, { namespace: 'shop', phase: 'Succeeded' }),
      ),
    },
    {
      name: 'stays quiet with a higher threshold',
      now: NOW,
      params: { minFailed: 20 },
      objects: [...failed(10), ...failed(2, { reason: 'NodeShutdown' })],
    },
  ],
  invalid: [
    {
      name: 'fires once for the namespace, counting the reasons',
      now: NOW,
      objects: [
        ...deployment('web', { namespace: 'shop' }),
        node('n1'),
        ...failed(10, { owner: webOwner }),
        ...failed(2, { reason: 'NodeShutdown', owner: webOwner }),
      ],
      findings: [
        {
          object: { kind: 'Namespace', name: 'shop' },
          messageId: 'piling',
          data: { namespace: 'shop', count: 12, reasons: '10 Evicted, 2 NodeShutdown' },
        },
      ],
    },
    {
      name: 'fires only for the namespace over the threshold',
      now: NOW,
      objects: [...failed(11), ...failed(3, { namespace: 'batch' })],
      findings: [{ object: { kind: 'Namespace', name: 'shop' }, messageId: 'piling', data: { count: 11 } }],
    },
    {
      name: 'a lower threshold reports a handful',
      now: NOW,
      params: { minFailed: 3 },
      objects: failed(3, { namespace: 'batch' }),
      findings: [
        { object: { kind: 'Namespace', name: 'batch' }, messageId: 'piling', data: { reasons: '3 Evicted' } },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [node('n1')] }],
})
