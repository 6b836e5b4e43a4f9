import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './daemonset-rollout-stuck.js'
import { conditionList, containerStatus, node, pod } from './lib/fixtures.js'
import { daemonSet } from './lib/pods-workloads.js'

const NOW = '2026-03-01T12:00:00Z'

function agent(
  nodeName: string,
  opts: { ready?: boolean; since?: string; created?: string; waiting?: string; pending?: boolean } = {},
): KubeObject {
  const since = opts.since ?? '2026-02-01T00:00:00Z'
  return pod(`log-agent-${nodeName}`, {
    namespace: 'kube-system',
    owner: { kind: 'DaemonSet', name: 'log-agent' },
    labels: { app: 'log-agent' },
    created: opts.created ?? '2026-02-01T00:00:00Z',
    phase: opts.pending ? 'Pending' : 'Running',
    spec: { nodeName, containers: [{ name: 'agent', image: 'registry.example.com/agent:1.0' }] },
    status: {
      conditions: conditionList(
        opts.pending
          ? {
              PodScheduled: [
                'False',
                'Unschedulable',
                since,
                '0/3 nodes are available: 1 Insufficient memory.',
              ],
            }
          : {
              Ready:
                opts.ready === false ? ['False', 'ContainersNotReady', since] : ['True', undefined, since],
            },
      ),
      ...(opts.pending
        ? {}
        : {
            containerStatuses: [
              opts.waiting
                ? containerStatus('agent', { waiting: opts.waiting }, { restartCount: 7 })
                : containerStatus('agent', { running: since }, { ready: opts.ready !== false }),
            ],
          }),
    },
  })
}

const nodes = [node('n1'), node('n2'), node('n3')]
const healthy = [agent('n1'), agent('n2'), agent('n3')]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a DaemonSet running and available on every node',
      now: NOW,
      objects: [daemonSet('log-agent'), ...nodes, ...healthy],
    },
    {
      name: 'does not fire on a pod starting on a node that joined five minutes ago (not yet)',
      now: NOW,
      objects: [
        daemonSet('log-agent', { desired: 4, status: { numberAvailable: 3, numberReady: 3 } }),
        ...nodes,
        node('n4'),
        ...healthy,
        agent('n4', { ready: false, created: '2026-03-01T11:55:00Z', since: '2026-03-01T11:55:00Z' }),
      ],
    },
    {
      name: 'does not fire on an OnDelete DaemonSet waiting for its pods to be deleted by hand',
      now: NOW,
      objects: [
        daemonSet('log-agent', {
          status: { updatedNumberScheduled: 1 },
          spec: { updateStrategy: { type: 'OnDelete' } },
        }),
        ...nodes,
        ...healthy,
      ],
    },
    {
      name: 'does not fire when the only unavailable pod is on a NotReady node (node-not-ready reports it)',
      now: NOW,
      objects: [
        daemonSet('log-agent', { status: { numberAvailable: 2, numberReady: 2 } }),
        node('n1'),
        node('n2'),
        node('n3', { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T10:00:00Z'] }),
        agent('n1'),
        agent('n2'),
        agent('n3', { ready: false, since: '2026-03-01T10:00:00Z' }),
      ],
    },
    {
      name: 'does not fire on a manifest without status',
      now: NOW,
      objects: [{ ...daemonSet('log-agent'), status: undefined }],
      collected: ['v1/Pod'],
    },
  ],
  invalid: [
    {
      name: 'fires on a rollout stuck for an hour on a crashing pod',
      now: NOW,
      objects: [
        daemonSet('log-agent', { status: { updatedNumberScheduled: 1, numberAvailable: 2, numberReady: 2 } }),
        ...nodes,
        agent('n1'),
        agent('n2'),
        agent('n3', {
          waiting: 'CrashLoopBackOff',
          ready: false,
          created: '2026-03-01T11:00:00Z',
          since: '2026-03-01T11:00:00Z',
        }),
      ],
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'kube-system', name: 'log-agent' },
          messageId: 'rollout',
          data: { for: '1h', updated: 1, desired: 3, available: 2, cause: '1 CrashLoopBackOff' },
        },
      ],
    },
    {
      name: 'fires when a node has no room for the agent',
      now: NOW,
      objects: [
        daemonSet('log-agent', { status: { numberAvailable: 2, numberReady: 2, numberUnavailable: 1 } }),
        ...nodes,
        agent('n1'),
        agent('n2'),
        agent('n3', { pending: true, created: '2026-03-01T09:00:00Z', since: '2026-03-01T09:00:00Z' }),
      ],
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'kube-system', name: 'log-agent' },
          messageId: 'unavailable',
          data: { for: '3h', cause: '1 Pending (Unschedulable)' },
        },
      ],
    },
    {
      name: 'fires on pods left on nodes where the DaemonSet should no longer run',
      now: NOW,
      objects: [
        daemonSet('log-agent', { desired: 2, status: { numberMisscheduled: 1 } }),
        ...nodes,
        ...healthy,
      ],
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'kube-system', name: 'log-agent' },
          messageId: 'misscheduled',
          data: { misscheduled: 1 },
        },
      ],
    },
    {
      name: 'fires when pods for some nodes are never created',
      now: NOW,
      objects: [
        daemonSet('log-agent', { status: { currentNumberScheduled: 2, numberAvailable: 2, numberReady: 2 } }),
        ...nodes,
        agent('n1'),
        agent('n2'),
      ],
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'kube-system', name: 'log-agent' },
          messageId: 'unavailable',
          data: { cause: 'the pods for the other nodes have not been created' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [daemonSet('log-agent')] }],
})
