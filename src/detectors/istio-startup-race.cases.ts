import { defineCases } from '../detect/cases.js'
import detector from './istio-startup-race.js'
import { containerStatus, deployment, pod, rsName } from './lib/fixtures.js'
import { injectedSpec, sidecarStatus, withMeta } from './lib/mesh-gitops.js'

const NOW = '2026-03-01T12:00:00Z'
const START = '2026-03-01T10:00:00Z'
const proxy = containerStatus('istio-proxy', { running: '2026-03-01T10:00:02Z' })
/** The app's first run, from the pod start to `finishedAt`, then a restart. */
const appRestarted = (finishedAt: string, reason = 'Error', startedAt = '2026-03-01T10:00:01Z') =>
  containerStatus(
    'app',
    { running: '2026-03-01T10:00:20Z' },
    { restartCount: 1, last: { reason, exitCode: 1, startedAt, finishedAt } },
  )

const webPod = (
  name: string,
  app: Record<string, unknown>,
  opts: { annotations?: Record<string, string>; native?: boolean; proxy?: Record<string, unknown> } = {},
) =>
  withMeta(
    pod(name, {
      namespace: 'shop',
      owner: { kind: 'ReplicaSet', name: rsName('web') },
      labels: { app: 'web' },
      spec: injectedSpec('1.22.3', {
        native: opts.native ?? false,
        ...(opts.proxy ? { proxy: opts.proxy } : {}),
      }),
      status: { startTime: START, containerStatuses: [app, proxy] },
    }),
    { annotations: { 'sidecar.istio.io/status': sidecarStatus(), ...(opts.annotations ?? {}) } },
  )

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a meshed pod whose app never restarted',
      now: NOW,
      objects: [webPod('web-a', containerStatus('app', { running: '2026-03-01T10:00:01Z' }))],
    },
    {
      name: 'does not fire when the pod holds the app until the proxy starts',
      now: NOW,
      objects: [
        webPod('web-a', appRestarted('2026-03-01T10:00:03Z'), {
          annotations: { 'proxy.istio.io/config': '{ "holdApplicationUntilProxyStarts": true }' },
        }),
        webPod('web-b', appRestarted('2026-03-01T10:00:03Z'), {
          annotations: { 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: true\n' },
        }),
      ],
    },
    {
      name: 'does not fire when the mesh default holds the app (istio-proxy has the postStart wait hook)',
      now: NOW,
      objects: [
        webPod('web-a', appRestarted('2026-03-01T10:00:03Z'), {
          proxy: { lifecycle: { postStart: { exec: { command: ['pilot-agent', 'wait'] } } } },
        }),
      ],
    },
    {
      name: 'does not fire with native sidecars, which start before the app',
      now: NOW,
      objects: [webPod('web-a', appRestarted('2026-03-01T10:00:03Z'), { native: true })],
    },
    {
      name: 'does not fire on a first run that failed after two minutes, outside the window',
      now: NOW,
      objects: [webPod('web-a', appRestarted('2026-03-01T10:02:00Z'))],
    },
    {
      name: 'does not fire on a later crash (the last run did not begin with the pod)',
      now: NOW,
      objects: [webPod('web-a', appRestarted('2026-03-01T11:00:10Z', 'Error', '2026-03-01T11:00:00Z'))],
    },
    {
      name: 'does not fire on an early OOM kill, which is a memory problem',
      now: NOW,
      objects: [webPod('web-a', appRestarted('2026-03-01T10:00:30Z', 'OOMKilled'))],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment whose app failed three seconds after start without the hold setting',
      now: NOW,
      objects: [
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', appRestarted('2026-03-01T10:00:03Z')),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'race',
          key: 'app',
          data: { container: 'app', seconds: 3, reason: 'Error' },
        },
      ],
    },
    {
      name: 'fires when the annotation sets holdApplicationUntilProxyStarts to false',
      now: NOW,
      objects: [
        webPod('web-a', appRestarted('2026-03-01T10:00:05Z'), {
          annotations: { 'proxy.istio.io/config': 'holdApplicationUntilProxyStarts: false' },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'shop', name: 'web-a' },
          messageId: 'race',
          data: { seconds: 5 },
        },
      ],
    },
    {
      name: 'a wider window catches a failure after two minutes',
      now: NOW,
      params: { window: '3m' },
      objects: [webPod('web-a', appRestarted('2026-03-01T10:02:00Z'))],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'shop', name: 'web-a' },
          messageId: 'race',
          data: { seconds: 120 },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: deployment('web') }],
})
