import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './volume-mount-failure.js'
import { conditionList, deployment, event, node, pod, rsName, statefulSet } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const SCHEDULED = '2026-03-01T11:40:00Z'

// A pod of Deployment `web` scheduled on node-a at SCHEDULED, still creating its containers.
function creating(
  name = `${rsName('web')}-abcde`,
  owner: { kind: string; name: string } | null = { kind: 'ReplicaSet', name: rsName('web') },
): KubeObject {
  return pod(name, {
    namespace: 'shop',
    ...(owner ? { owner } : {}),
    phase: 'Pending',
    created: SCHEDULED,
    spec: {
      nodeName: 'node-a',
      containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }],
      volumes: [
        { name: 'config', configMap: { name: 'web-config' } },
        { name: 'tls', secret: { secretName: 'web-tls' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      ],
    },
    status: {
      conditions: conditionList({
        PodScheduled: ['True', undefined, SCHEDULED],
        Ready: ['False', 'ContainersNotReady', SCHEDULED],
      }),
      containerStatuses: [
        { name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    },
  })
}
const web = deployment('web', { namespace: 'shop' })
const failed = (
  about: KubeObject,
  reason: string,
  message: string,
  at = '2026-03-01T11:58:00Z',
  first = '2026-03-01T11:41:00Z',
) => {
  const e = event(about, reason, message, { at, name: `${about.metadata.name}.${reason}.${at}`, count: 9 })
  return { ...e, firstTimestamp: first }
}
const MISSING_CM = 'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found'
const TIMEOUT =
  'Unable to attach or mount volumes: unmounted volumes=[config tls], unattached volumes=[config tls kube-api-access-7x2kq]: timed out waiting for the condition'

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a running pod whose old mount failures have cleared',
      now: NOW,
      objects: [
        ...web,
        {
          ...creating(),
          status: { phase: 'Running', conditions: conditionList({ Ready: ['True', undefined, SCHEDULED] }) },
        },
        failed(creating(), 'FailedMount', MISSING_CM),
      ],
    },
    {
      name: 'does not fire yet two minutes after the first mount failure',
      now: NOW,
      objects: [
        ...web,
        creating(),
        failed(creating(), 'FailedMount', MISSING_CM, '2026-03-01T11:59:00Z', '2026-03-01T11:58:00Z'),
      ],
    },
    {
      name: 'does not fire on mount failures older than the window',
      now: NOW,
      params: { window: '10m' },
      objects: [...web, creating(), failed(creating(), 'FailedMount', MISSING_CM, '2026-03-01T11:45:00Z')],
    },
    {
      name: 'does not fire on a pod not yet placed on a node (pod-unschedulable reports that)',
      now: NOW,
      objects: [
        ...web,
        { ...creating(), spec: { ...creating().spec, nodeName: undefined } },
        failed(creating(), 'FailedMount', MISSING_CM),
      ],
    },
    {
      name: 'does not fire on a pod creating its containers without any mount failure',
      now: NOW,
      objects: [
        ...web,
        creating(),
        event(creating(), 'Pulling', 'Pulling image "registry.example.com/app:1.0"', { type: 'Normal' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment when its pod mounts a ConfigMap that does not exist',
      now: NOW,
      objects: [...web, creating(), failed(creating(), 'FailedMount', MISSING_CM)],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missingObject',
          data: { objectKind: 'ConfigMap', object: 'web-config', volume: 'config', for: '19m' },
        },
      ],
    },
    {
      name: 'prefers the missing Secret over the timeout that follows from it',
      now: NOW,
      objects: [
        ...web,
        creating(),
        failed(
          creating(),
          'FailedMount',
          'MountVolume.SetUp failed for volume "tls" : secret "web-tls" not found',
          '2026-03-01T11:50:00Z',
        ),
        failed(creating(), 'FailedMount', TIMEOUT, '2026-03-01T11:59:00Z'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missingObject',
          data: { objectKind: 'Secret', object: 'web-tls', volume: 'tls' },
        },
      ],
    },
    {
      name: 'fires with timeout and the volumes the kubelet gave up on',
      now: NOW,
      objects: [...web, creating(), failed(creating(), 'FailedMount', TIMEOUT)],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'timeout',
          data: { volume: 'config, tls' },
        },
      ],
    },
    {
      name: 'fires with multiAttach on a StatefulSet pod whose disk is still on the old node',
      now: NOW,
      objects: [
        statefulSet('db', { namespace: 'shop' }),
        creating('db-0', { kind: 'StatefulSet', name: 'db' }),
        failed(
          creating('db-0', { kind: 'StatefulSet', name: 'db' }),
          'FailedAttachVolume',
          'Multi-Attach error for volume "pvc-0b7e5c1a" Volume is already used by pod(s) db-0-old',
        ),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
          messageId: 'multiAttach',
          data: { volume: 'pvc-0b7e5c1a', holders: '; used by pod db-0-old' },
        },
      ],
    },
    {
      name: 'fires with driverMissing when the CSI node plugin is not on the node',
      now: NOW,
      objects: [
        ...web,
        creating(),
        failed(
          creating(),
          'FailedMount',
          'MountVolume.MountDevice failed for volume "pvc-0b7e5c1a" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers',
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'driverMissing',
          data: { driver: 'ebs.csi.aws.com', node: 'node-a', volume: 'pvc-0b7e5c1a' },
        },
      ],
    },
    {
      name: 'fires with failed and the mount error for anything else',
      now: NOW,
      objects: [
        creating('debug', null),
        failed(
          creating('debug', null),
          'FailedMount',
          'MountVolume.SetUp failed for volume "shared" : mount failed: exit status 32 Mounting command: mount Mounting arguments: -t nfs nfs.example.com:/exports/shared /var/lib/kubelet/pods/x/volumes/kubernetes.io~nfs/shared Output: mount.nfs: access denied by server',
        ),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'shop', name: 'debug' },
          messageId: 'failed',
          data: { volume: 'shared' },
        },
      ],
    },
  ],
  skip: [
    { name: 'is skipped when events were not collected', objects: [...web, creating()] },
    {
      name: 'is skipped when pods were not collected',
      objects: [node('n1'), failed(node('n1'), 'FailedMount', MISSING_CM)],
    },
  ],
})
