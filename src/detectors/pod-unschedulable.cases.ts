import { defineCases } from '../detect/cases.js'
import detector from './pod-unschedulable.js'
import { conditionList, deployment, event, node, pod, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const pending = (
  message: string,
  since = '2026-03-01T11:30:00Z',
  name = 'p1',
  extra: Parameters<typeof pod>[1] = {},
) =>
  pod(name, {
    ...extra,
    phase: 'Pending',
    status: { conditions: conditionList({ PodScheduled: ['False', 'Unschedulable', since, message] }) },
  })
const PREEMPTION = ' preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a scheduled pod',
      now: NOW,
      objects: [
        pod('p1', {
          status: {
            conditions: conditionList({ PodScheduled: ['True', undefined, '2026-03-01T11:00:00Z'] }),
          },
        }),
      ],
    },
    {
      name: 'does not fire yet when the pod has been unschedulable for four minutes',
      now: NOW,
      objects: [pending('0/3 nodes are available: 3 Insufficient cpu.', '2026-03-01T11:56:00Z')],
    },
    {
      name: 'stays quiet with a longer threshold',
      now: NOW,
      params: { minDuration: '1h' },
      objects: [pending('0/3 nodes are available: 3 Insufficient cpu.')],
    },
    {
      name: 'does not fire on a pod held back by scheduling gates',
      now: NOW,
      objects: [
        pod('p1', {
          phase: 'Pending',
          spec: {
            schedulingGates: [{ name: 'example.com/quota' }],
            containers: [{ name: 'app', image: 'app:1' }],
          },
          status: {
            conditions: conditionList({ PodScheduled: ['False', 'SchedulingGated', '2026-03-01T10:00:00Z'] }),
          },
        }),
      ],
    },
    {
      name: 'does not fire on a pod from a rendered manifest (no status)',
      now: NOW,
      objects: [{ ...pod('p1'), status: undefined }],
    },
  ],
  invalid: [
    {
      name: 'fires with insufficientResources when no node has the CPU, ignoring the control-plane taint',
      now: NOW,
      objects: [
        pending(
          '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.' +
            PREEMPTION,
        ),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'insufficientResources',
          data: { resource: 'cpu', for: '30m' },
        },
      ],
    },
    {
      name: 'names both resources when nodes lack CPU and memory',
      now: NOW,
      objects: [pending('0/4 nodes are available: 2 Insufficient cpu, 2 Insufficient memory.')],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'insufficientResources',
          data: { resource: 'cpu and memory' },
        },
      ],
    },
    {
      name: 'fires with nodesUnavailable when the nodes are not ready',
      now: NOW,
      objects: [
        pending(
          '0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.' +
            PREEMPTION,
        ),
        node('n1', { Ready: ['False', 'KubeletNotReady', '2026-03-01T11:00:00Z'] }),
        node('n2', { Ready: ['False', 'KubeletNotReady', '2026-03-01T11:00:00Z'] }),
        node('n3', { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T11:00:00Z'] }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'nodesUnavailable',
          data: { nodes: 3, problem: 'not ready' },
        },
      ],
    },
    {
      name: 'fires with nodesUnavailable when the only fitting nodes are cordoned',
      now: NOW,
      objects: [
        pending(
          "0/4 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 3 node(s) were unschedulable.",
        ),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'nodesUnavailable',
          data: { nodes: 3, problem: 'cordoned' },
        },
      ],
    },
    {
      name: 'fires with untoleratedTaint on a dedicated node pool',
      now: NOW,
      objects: [pending('0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}.')],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'untoleratedTaint',
          data: { taint: 'dedicated' },
        },
      ],
    },
    {
      name: 'reads the older wording "had taint {…}, that the pod didn\'t tolerate"',
      now: NOW,
      objects: [
        pending(
          "0/3 nodes are available: 3 node(s) had taint {dedicated: gpu}, that the pod didn't tolerate.",
        ),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'untoleratedTaint',
          data: { taint: 'dedicated' },
        },
      ],
    },
    {
      name: 'fires with affinity when no node matches the node selector',
      now: NOW,
      objects: [
        pending("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector." + PREEMPTION),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'p1' }, messageId: 'affinity' }],
    },
    {
      name: 'fires with unboundVolume when the PersistentVolumeClaim is not bound',
      now: NOW,
      objects: [
        pending('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.' + PREEMPTION),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'p1' }, messageId: 'unboundVolume' }],
    },
    {
      name: 'fires with tooManyPods when the nodes are at their pod limit',
      now: NOW,
      objects: [pending('0/2 nodes are available: 2 Too many pods.')],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'p1' }, messageId: 'tooManyPods' }],
    },
    {
      name: 'fires with the scheduler text when the reason is not one it classifies',
      now: NOW,
      objects: [pending('0/3 nodes are available: 3 node(s) exceed max volume count.')],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'p1' }, messageId: 'unschedulable' }],
    },
    {
      name: 'fires once on the Deployment whose pods wait, with the FailedScheduling event',
      now: NOW,
      objects: [
        ...deployment('web'),
        ...['a', 'b'].map((s) =>
          pending(
            '0/3 nodes are available: 3 Insufficient memory.',
            '2026-03-01T11:00:00Z',
            `web-7d9f8b6c5d-${s}`,
            {
              owner: { kind: 'ReplicaSet', name: rsName('web') },
              labels: { app: 'web' },
            },
          ),
        ),
        event(
          pod('web-7d9f8b6c5d-a'),
          'FailedScheduling',
          '0/3 nodes are available: 3 Insufficient memory.',
          {
            at: '2026-03-01T11:59:00Z',
            count: 40,
          },
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'insufficientResources',
          data: { resource: 'memory', for: '1h' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [node('n1')] }],
})
