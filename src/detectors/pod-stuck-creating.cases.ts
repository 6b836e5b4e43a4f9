import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './pod-stuck-creating.js'
import { conditionList, containerStatus, deployment, event, node, pod, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

const CNI_IPAM =
  'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container'
const CNI_DOWN =
  'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "9a2e": plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/'

/** A pod scheduled to n1 at `since` whose sandbox has not come up. */
function creating(
  name: string,
  since: string,
  opts: { owner?: string; waiting?: string; sandbox?: 'False' | 'True' | 'none'; deleting?: boolean } = {},
): KubeObject {
  const conds: Record<string, [string, string?, string?]> = { PodScheduled: ['True', undefined, since] }
  if (opts.sandbox !== 'none') conds.PodReadyToStartContainers = [opts.sandbox ?? 'False', undefined, since]
  conds.Ready = ['False', 'ContainersNotReady', since]
  const p = pod(name, {
    phase: 'Pending',
    created: since,
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
    status: {
      conditions: conditionList(conds),
      containerStatuses: [containerStatus('app', { waiting: opts.waiting ?? 'ContainerCreating' })],
    },
    ...(opts.owner
      ? { owner: { kind: 'ReplicaSet', name: rsName(opts.owner) }, labels: { app: opts.owner } }
      : {}),
  })
  if (opts.deleting) p.metadata.deletionTimestamp = '2026-03-01T11:59:00Z'
  return p
}

const stuck = creating('api-7d9f8b6c5d-x2k4p', '2026-03-01T11:30:00Z', { owner: 'api' })
const old = creating('worker', '2026-03-01T11:40:00Z', { sandbox: 'none' })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a pod that started creating five minutes ago (not yet)',
      now: NOW,
      objects: [
        node('n1'),
        creating('web', '2026-03-01T11:55:00Z'),
        event(creating('web', '2026-03-01T11:55:00Z'), 'FailedCreatePodSandBox', CNI_IPAM),
      ],
    },
    {
      name: 'does not fire on a running pod',
      now: NOW,
      objects: [
        node('n1'),
        pod('web', {
          spec: { nodeName: 'n1', containers: [{ name: 'app' }] },
          status: {
            conditions: conditionList({ PodReadyToStartContainers: ['True'], Ready: ['True'] }),
            containerStatuses: [containerStatus('app', { running: '2026-03-01T10:00:00Z' })],
          },
        }),
      ],
    },
    {
      name: 'does not fire on a pod no node was found for (pod-unschedulable reports it)',
      now: NOW,
      objects: [
        pod('web', {
          phase: 'Pending',
          status: {
            conditions: conditionList({ PodScheduled: ['False', 'Unschedulable', '2026-03-01T10:00:00Z'] }),
          },
        }),
      ],
    },
    {
      name: 'does not fire when the sandbox is up and the image cannot be pulled (image-pull-failure reports it)',
      now: NOW,
      objects: [creating('web', '2026-03-01T10:00:00Z', { sandbox: 'True', waiting: 'ImagePullBackOff' })],
    },
    {
      name: 'does not fire when the pod only waits for a volume (volume-mount-failure reports it)',
      now: NOW,
      objects: [
        creating('db', '2026-03-01T10:00:00Z'),
        event(
          creating('db', '2026-03-01T10:00:00Z'),
          'FailedMount',
          'MountVolume.SetUp failed for volume "data" : secret "db-tls" not found',
        ),
      ],
    },
    {
      name: 'does not fire on a pod that is being deleted',
      now: NOW,
      objects: [creating('web', '2026-03-01T10:00:00Z', { deleting: true })],
    },
    {
      name: 'does not fire on a pod whose node is down (node-not-ready reports the node)',
      now: NOW,
      objects: [
        node('n1', { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T10:00:00Z'] }),
        creating('web', '2026-03-01T10:00:00Z'),
      ],
    },
    {
      name: 'stays quiet with a longer threshold',
      now: NOW,
      params: { minDuration: '45m' },
      objects: [stuck, event(stuck, 'FailedCreatePodSandBox', CNI_IPAM)],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment whose pod has no IP address for half an hour',
      now: NOW,
      objects: [
        ...deployment('api'),
        node('n1'),
        stuck,
        event(stuck, 'FailedCreatePodSandBox', CNI_IPAM, { count: 14, at: '2026-03-01T11:59:00Z' }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'api' },
          messageId: 'sandbox',
          data: { for: '30m', node: 'n1', cause: 'the node or subnet has run out of pod IP addresses' },
        },
      ],
    },
    {
      name: 'fires when the network plugin is not running on the node',
      now: NOW,
      objects: [
        creating('web', '2026-03-01T11:45:00Z'),
        event(creating('web', '2026-03-01T11:45:00Z'), 'FailedCreatePodSandBox', CNI_DOWN),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'web' },
          messageId: 'sandbox',
          data: { cause: 'the network (CNI) plugin is not running or not configured on the node' },
        },
      ],
    },
    {
      name: 'fires with the sandbox as cause when volume events are there too',
      now: NOW,
      objects: [
        creating('db', '2026-03-01T11:00:00Z'),
        event(creating('db', '2026-03-01T11:00:00Z'), 'FailedMount', 'Unable to attach or mount volumes'),
        event(creating('db', '2026-03-01T11:00:00Z'), 'FailedCreatePodSandBox', CNI_DOWN),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'db' }, messageId: 'sandbox' }],
    },
    {
      name: 'fires with noEvents when the sandbox is not ready and events have expired',
      now: NOW,
      objects: [creating('web', '2026-03-01T09:00:00Z')],
      collected: ['v1/Event'],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'web' },
          messageId: 'noEvents',
          data: { for: '3h', node: 'n1' },
        },
      ],
    },
    {
      name: 'fires on a cluster too old for the PodReadyToStartContainers condition, timed from scheduling',
      now: NOW,
      objects: [
        old,
        event(old, 'FailedCreatePodSandBox', 'failed to get sandbox image "registry.k8s.io/pause:3.9"'),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'worker' },
          messageId: 'sandbox',
          data: { for: '20m', cause: 'the node cannot pull the pause (sandbox) image' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [node('n1')] }],
})
