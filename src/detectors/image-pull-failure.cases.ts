import { defineCases } from '../detect/cases.js'
import detector from './image-pull-failure.js'
import { containerStatus, deployment, event, pod, rsName } from './lib/fixtures.js'

const IMAGE = 'registry.example.com/app:1.0'
const waitingPod = (reason: string, message?: string, name = 'p1') =>
  pod(name, {
    phase: 'Pending',
    status: {
      containerStatuses: [
        containerStatus('app', message ? { waiting: reason, message } : { waiting: reason }),
      ],
    },
  })
const backOff = `Back-off pulling image "${IMAGE}"`

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a running container',
      objects: [
        pod('p1', {
          status: { containerStatuses: [containerStatus('app', { running: '2026-01-01T00:00:00Z' })] },
        }),
      ],
    },
    {
      name: 'does not fire on a container that is still being created',
      objects: [waitingPod('ContainerCreating')],
    },
    {
      name: 'does not fire once the image was pulled, even with an old Failed event',
      objects: [
        pod('p1', {
          status: { containerStatuses: [containerStatus('app', { running: '2026-01-01T00:05:00Z' })] },
        }),
        event(pod('p1'), 'Failed', `Failed to pull image "${IMAGE}": i/o timeout`),
      ],
    },
    {
      name: 'does not fire on a crash-looping container (container-crashloop covers that)',
      objects: [waitingPod('CrashLoopBackOff', 'back-off 5m0s restarting failed container')],
    },
  ],
  invalid: [
    {
      name: 'fires with notFound when the registry has no such tag',
      objects: [
        waitingPod(
          'ErrImagePull',
          `rpc error: code = NotFound desc = failed to pull and unpack image "${IMAGE}": failed to resolve reference "${IMAGE}": ${IMAGE}: not found`,
        ),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'notFound',
          key: 'app',
          data: { container: 'app', image: IMAGE, reason: 'ErrImagePull' },
        },
      ],
    },
    {
      name: 'fires with unauthorized, read from the Failed event when the pod only says back-off',
      objects: [
        waitingPod('ImagePullBackOff', backOff),
        event(
          pod('p1'),
          'Failed',
          `Failed to pull image "${IMAGE}": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized`,
        ),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'unauthorized',
          data: { image: IMAGE, reason: 'ImagePullBackOff' },
        },
      ],
    },
    {
      name: 'fires with network when the registry name does not resolve',
      objects: [
        waitingPod(
          'ErrImagePull',
          `failed to do request: Head "https://registry.example.com/v2/app/manifests/1.0": dial tcp: lookup registry.example.com on 10.96.0.10:53: no such host`,
        ),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'p1' }, messageId: 'network' }],
    },
    {
      name: 'fires with rateLimited on a Docker Hub pull limit',
      objects: [
        waitingPod(
          'ErrImagePull',
          'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading',
        ),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'p1' }, messageId: 'rateLimited' }],
    },
    {
      name: 'fires with invalidName on a malformed image reference',
      objects: [
        pod('p1', {
          phase: 'Pending',
          spec: { containers: [{ name: 'app', image: 'registry.example.com/App:1.0' }] },
          status: {
            containerStatuses: [
              containerStatus(
                'app',
                {
                  waiting: 'InvalidImageName',
                  message: 'Failed to apply default image tag: invalid reference format',
                },
                { image: 'registry.example.com/App:1.0' },
              ),
            ],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'invalidName',
          data: { image: 'registry.example.com/App:1.0' },
        },
      ],
    },
    {
      name: 'fires with pullFailed when neither the pod nor an event says why',
      objects: [waitingPod('ImagePullBackOff', backOff)],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'pullFailed',
          data: { reason: 'ImagePullBackOff' },
        },
      ],
    },
    {
      name: 'fires on an init container whose image cannot be pulled',
      objects: [
        pod('p1', {
          phase: 'Pending',
          spec: {
            initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:2' }],
            containers: [{ name: 'app', image: IMAGE }],
          },
          status: {
            initContainerStatuses: [
              containerStatus(
                'migrate',
                { waiting: 'ErrImagePull', message: 'manifest unknown: manifest unknown' },
                { image: 'registry.example.com/migrate:2' },
              ),
            ],
            containerStatuses: [containerStatus('app', { waiting: 'PodInitializing' })],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'notFound',
          key: 'migrate',
          data: { container: 'migrate', image: 'registry.example.com/migrate:2' },
        },
      ],
    },
    {
      name: 'fires once on the Deployment whose new pods cannot pull',
      objects: [
        ...deployment('web'),
        ...['a', 'b', 'c'].map((s) =>
          pod(`web-7d9f8b6c5d-${s}`, {
            owner: { kind: 'ReplicaSet', name: rsName('web') },
            labels: { app: 'web' },
            phase: 'Pending',
            status: {
              containerStatuses: [containerStatus('app', { waiting: 'ErrImagePull', message: 'not found' })],
            },
          }),
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'notFound',
          key: 'app',
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: deployment('web') }],
})
