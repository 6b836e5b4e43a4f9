import { defineCases } from '../detect/cases.js'
import detector from './container-crashloop.js'
import { containerStatus, deployment, pod, rsName } from './lib/fixtures.js'

const crashing = containerStatus(
  'app',
  { waiting: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app' },
  { restartCount: 12, last: { reason: 'Error', exitCode: 1 } },
)
const owned = { owner: { kind: 'ReplicaSet', name: rsName('web') }, labels: { app: 'web' } }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a running container that restarted a few times',
      objects: [
        pod('p1', {
          status: {
            containerStatuses: [
              containerStatus(
                'app',
                { running: '2026-01-01T01:00:00Z' },
                { restartCount: 3, last: { reason: 'Error' } },
              ),
            ],
          },
        }),
      ],
    },
    {
      name: 'does not fire on a Completed init container',
      objects: [
        pod('p1', {
          status: {
            initContainerStatuses: [containerStatus('migrate', { terminated: 'Completed' })],
            containerStatuses: [containerStatus('app', { running: '2026-01-01T00:02:00Z' })],
          },
        }),
      ],
    },
    {
      name: 'does not fire on a container waiting for its image (image-pull-failure covers that)',
      objects: [
        pod('p1', {
          phase: 'Pending',
          status: { containerStatuses: [containerStatus('app', { waiting: 'ImagePullBackOff' })] },
        }),
      ],
    },
    {
      name: 'does not fire on a pod from a rendered manifest (no status)',
      objects: [{ ...pod('p1'), status: undefined }],
    },
  ],
  invalid: [
    {
      name: 'fires on a crash-looping container with its last exit code',
      objects: [pod('p1', { status: { containerStatuses: [crashing] } })],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'crashLoop',
          key: 'app',
          data: { container: 'app', restarts: 12, lastReason: 'Error', exitCode: 1 },
        },
      ],
    },
    {
      name: 'fires with initCrashLoop when an init container keeps failing',
      objects: [
        pod('p1', {
          phase: 'Pending',
          status: {
            initContainerStatuses: [
              containerStatus(
                'migrate',
                { waiting: 'CrashLoopBackOff' },
                { restartCount: 5, last: { reason: 'Error', exitCode: 2 } },
              ),
            ],
            containerStatuses: [containerStatus('app', { waiting: 'PodInitializing' })],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'initCrashLoop',
          key: 'migrate',
          data: { container: 'migrate', restarts: 5, exitCode: 2 },
        },
      ],
    },
    {
      name: 'reports each crashing container of a pod separately',
      objects: [
        pod('p1', {
          status: {
            containerStatuses: [
              crashing,
              containerStatus(
                'sidecar',
                { waiting: 'CrashLoopBackOff' },
                { restartCount: 4, last: { reason: 'OOMKilled', exitCode: 137 } },
              ),
            ],
          },
        }),
      ],
      findings: [
        { object: { kind: 'Pod', namespace: 'default', name: 'p1' }, messageId: 'crashLoop', key: 'app' },
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'crashLoop',
          key: 'sidecar',
          data: { lastReason: 'OOMKilled', exitCode: 137 },
        },
      ],
    },
    {
      name: 'rolls the crashing pods of a Deployment up into one finding on the Deployment',
      objects: [
        ...deployment('web'),
        pod('web-7d9f8b6c5d-a', { ...owned, status: { containerStatuses: [crashing] } }),
        pod('web-7d9f8b6c5d-b', { ...owned, status: { containerStatuses: [crashing] } }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'crashLoop',
          key: 'app',
        },
      ],
    },
    {
      name: 'fires when the last termination is unknown',
      objects: [
        pod('p1', {
          status: {
            containerStatuses: [containerStatus('app', { waiting: 'CrashLoopBackOff' }, { restartCount: 2 })],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'crashLoop',
          data: { container: 'app', lastReason: 'unknown' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when pods were not collected',
      objects: deployment('web'),
    },
  ],
})
