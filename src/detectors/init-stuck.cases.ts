import { defineCases } from '../detect/cases.js'
import detector from './init-stuck.js'
import { conditionList, containerStatus, deployment, pod, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const SPEC = {
  initContainers: [
    {
      name: 'wait-for-db',
      image: 'busybox:1.36',
      command: ['sh', '-c', 'until nc -z db 5432; do sleep 2; done'],
    },
    { name: 'migrate', image: 'registry.example.com/migrate:1.0' },
  ],
  containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }],
}
const initializing = (
  initStatuses: Record<string, unknown>[],
  since = '2026-03-01T11:35:00Z',
  extra: Parameters<typeof pod>[1] = {},
  name = 'p1',
) =>
  pod(name, {
    spec: SPEC,
    ...extra,
    phase: 'Pending',
    status: {
      conditions: conditionList({
        PodScheduled: ['True', undefined, since],
        Initialized: [
          'False',
          'ContainersNotInitialized',
          since,
          'containers with incomplete status: [wait-for-db migrate]',
        ],
      }),
      initContainerStatuses: initStatuses,
      containerStatuses: [containerStatus('app', { waiting: 'PodInitializing' })],
    },
  })
const waitingForDb = containerStatus('wait-for-db', { running: '2026-03-01T11:35:10Z' })
const pendingMigrate = containerStatus('migrate', { waiting: 'PodInitializing' })

const noSandbox = initializing([
  containerStatus('wait-for-db', { waiting: 'PodInitializing' }),
  pendingMigrate,
])
;(noSandbox.status.conditions as Record<string, unknown>[]).push({
  type: 'PodReadyToStartContainers',
  status: 'False',
  lastTransitionTime: '2026-03-01T11:35:00Z',
})

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the pod has no sandbox yet (pod-stuck-creating reports that)',
      now: NOW,
      objects: [noSandbox],
    },
    {
      name: 'does not fire on a Completed init container',
      now: NOW,
      objects: [
        pod('p1', {
          spec: SPEC,
          status: {
            conditions: conditionList({ Initialized: ['True', undefined, '2026-03-01T11:00:00Z'] }),
            initContainerStatuses: [
              containerStatus('wait-for-db', { terminated: 'Completed' }),
              containerStatus('migrate', { terminated: 'Completed' }),
            ],
            containerStatuses: [containerStatus('app', { running: '2026-03-01T11:00:00Z' })],
          },
        }),
      ],
    },
    {
      name: 'does not fire yet when the pod has been initializing for nine minutes',
      now: NOW,
      objects: [initializing([waitingForDb, pendingMigrate], '2026-03-01T11:51:00Z')],
    },
    {
      name: 'does not fire when an init container is in CrashLoopBackOff (container-crashloop covers that)',
      now: NOW,
      objects: [
        initializing([
          containerStatus(
            'wait-for-db',
            { waiting: 'CrashLoopBackOff' },
            { restartCount: 6, last: { reason: 'Error' } },
          ),
          pendingMigrate,
        ]),
      ],
    },
    {
      name: 'does not fire when the init image cannot be pulled (image-pull-failure covers that)',
      now: NOW,
      objects: [
        initializing([containerStatus('wait-for-db', { waiting: 'ImagePullBackOff' }), pendingMigrate]),
      ],
    },
    {
      name: 'does not fire on a pod from a rendered manifest (no status)',
      now: NOW,
      objects: [{ ...pod('p1', { spec: SPEC }), status: undefined }],
    },
    {
      name: 'does not fire when the init container cannot be created (container-create-error reports that)',
      now: NOW,
      objects: [
        initializing([
          containerStatus('wait-for-db', {
            waiting: 'CreateContainerConfigError',
            message: 'secret "db-credentials" not found',
          }),
          pendingMigrate,
        ]),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when an init container has been waiting for a dependency for 25 minutes',
      now: NOW,
      objects: [initializing([waitingForDb, pendingMigrate])],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'running',
          data: { container: 'wait-for-db', for: '25m' },
        },
      ],
    },
    {
      name: 'names the second init container when the first one completed',
      now: NOW,
      objects: [
        initializing([
          containerStatus('wait-for-db', { terminated: 'Completed' }),
          containerStatus('migrate', { running: '2026-03-01T11:36:00Z' }),
        ]),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'running',
          data: { container: 'migrate' },
        },
      ],
    },
    {
      name: 'fires with waiting when the init container has been creating for half an hour',
      now: NOW,
      objects: [
        initializing([
          containerStatus('wait-for-db', {
            waiting: 'ContainerCreating',
          }),
          pendingMigrate,
        ]),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'waiting',
          data: { container: 'wait-for-db', reason: 'ContainerCreating' },
        },
      ],
    },
    {
      name: 'looks past a running native sidecar to the init container that is stuck',
      now: NOW,
      objects: [
        initializing(
          [
            containerStatus('proxy', { running: '2026-03-01T11:35:05Z' }, { started: true }),
            waitingForDb,
            pendingMigrate,
          ],
          undefined,
          {
            spec: {
              ...SPEC,
              initContainers: [
                { name: 'proxy', image: 'proxy:1', restartPolicy: 'Always' },
                ...SPEC.initContainers,
              ],
            },
          },
        ),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'running',
          data: { container: 'wait-for-db' },
        },
      ],
    },
    {
      name: 'fires once on the Deployment whose pods are stuck initializing',
      now: NOW,
      objects: [
        ...deployment('web'),
        ...['a', 'b'].map((s) =>
          initializing(
            [waitingForDb, pendingMigrate],
            undefined,
            { owner: { kind: 'ReplicaSet', name: rsName('web') }, labels: { app: 'web' } },
            `web-7d9f8b6c5d-${s}`,
          ),
        ),
      ],
      findings: [{ object: { kind: 'Deployment', namespace: 'default', name: 'web' }, messageId: 'running' }],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: deployment('web') }],
})
