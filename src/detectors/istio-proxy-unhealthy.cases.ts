import { defineCases } from '../detect/cases.js'
import detector from './istio-proxy-unhealthy.js'
import { containerStatus, deployment, pod, rsName } from './lib/fixtures.js'
import { injectedSpec, istiodDeployment, namespace, sidecarStatus, withMeta } from './lib/mesh-gitops.js'

const NOW = '2026-03-01T12:00:00Z'
const app = containerStatus('app', { running: '2026-03-01T08:00:00Z' })

/** A pod of Deployment `web` whose istio-proxy reports `proxy`. */
const webPod = (
  name: string,
  proxy: Record<string, unknown>,
  opts: { native?: boolean; conditions?: Record<string, unknown>[]; phase?: string } = {},
) =>
  withMeta(
    pod(name, {
      namespace: 'shop',
      owner: { kind: 'ReplicaSet', name: rsName('web') },
      labels: { app: 'web' },
      phase: opts.phase ?? 'Running',
      spec: injectedSpec('1.22.3', {
        native: opts.native ?? false,
        proxy: { resources: { limits: { memory: '1Gi' } } },
      }),
      status: opts.native
        ? { initContainerStatuses: [proxy], containerStatuses: [app], conditions: opts.conditions ?? [] }
        : { containerStatuses: [app, proxy], conditions: opts.conditions ?? [] },
    }),
    { annotations: { 'sidecar.istio.io/status': sidecarStatus() } },
  )

const healthy = containerStatus('istio-proxy', { running: '2026-03-01T08:00:00Z' })
const restarted = (finishedAt: string, reason = 'Error', n = 5) =>
  containerStatus(
    'istio-proxy',
    { running: '2026-03-01T11:00:00Z' },
    { restartCount: n, last: { reason, finishedAt } },
  )
const notReadySince = (t: string) => [
  { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: t },
  { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: t },
]
const unready = containerStatus('istio-proxy', { running: '2026-03-01T08:00:00Z' }, { ready: false })
const istiodDown = (since: string) =>
  istiodDeployment('', '1.22.3', {
    observedGeneration: 1,
    replicas: 1,
    availableReplicas: 0,
    unavailableReplicas: 1,
    conditions: [
      { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', lastTransitionTime: since },
    ],
  })
const web = () => [
  namespace('shop', { 'istio-injection': 'enabled' }),
  ...deployment('web', { namespace: 'shop' }),
]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a ready proxy and an available istiod',
      now: NOW,
      objects: [...web(), istiodDeployment(), webPod('web-a', healthy)],
    },
    {
      name: 'does not fire on proxy restarts and an OOM kill that ended days ago',
      now: NOW,
      objects: [
        ...web(),
        webPod('web-a', restarted('2026-02-25T10:00:00Z')),
        webPod('web-b', restarted('2026-02-25T10:00:00Z', 'OOMKilled', 1)),
      ],
    },
    {
      name: 'does not fire on two recent restarts, below minRestarts',
      now: NOW,
      objects: [...web(), webPod('web-a', restarted('2026-03-01T11:00:00Z', 'Error', 2))],
    },
    {
      name: 'does not fire yet on a proxy not ready for two minutes, nor on istiod unavailable for two minutes',
      now: NOW,
      objects: [
        ...web(),
        istiodDown('2026-03-01T11:58:00Z'),
        webPod('web-a', unready, { conditions: notReadySince('2026-03-01T11:58:00Z') }),
      ],
    },
    {
      name: 'does not fire on an istiod manifest without status, or a finished pod',
      now: NOW,
      objects: [
        ...web(),
        { ...istiodDeployment(), status: undefined },
        webPod('web-a', restarted('2026-03-01T11:00:00Z', 'OOMKilled'), { phase: 'Succeeded' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment whose proxy was OOM-killed an hour ago, naming its limit',
      now: NOW,
      objects: [...web(), webPod('web-a', restarted('2026-03-01T11:00:00Z', 'OOMKilled', 1))],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'oomKilled',
          key: 'istio-proxy',
          data: { pod: 'web-a', limit: '1Gi', restarts: 1 },
        },
      ],
    },
    {
      name: 'fires on a proxy in crash-loop back-off after four restarts',
      now: NOW,
      objects: [
        ...web(),
        webPod(
          'web-a',
          containerStatus(
            'istio-proxy',
            { waiting: 'CrashLoopBackOff' },
            { restartCount: 4, last: { reason: 'Error', finishedAt: '2026-03-01T11:58:00Z' } },
          ),
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'restarting',
          data: { restarts: 4, reason: 'Error', ago: '2m' },
        },
      ],
    },
    {
      name: 'fires on istiod down ten minutes and names it as the cause of a proxy not ready',
      now: NOW,
      objects: [
        ...web(),
        istiodDown('2026-03-01T11:50:00Z'),
        webPod('web-a', unready, { conditions: notReadySince('2026-03-01T11:50:00Z') }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' },
          messageId: 'istiodUnavailable',
          data: { revision: 'default', for: '10m', available: 0, desired: 1 },
        },
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'notReady',
          data: {
            for: '10m',
            cause: '; its control plane istiod is unavailable, which is the likely cause',
          },
        },
      ],
    },
    {
      name: 'fires on a native-sidecar proxy (init container) that was OOM-killed',
      now: NOW,
      objects: [
        ...web(),
        webPod('web-a', restarted('2026-03-01T11:30:00Z', 'OOMKilled', 1), { native: true }),
      ],
      findings: [{ object: { kind: 'Deployment', namespace: 'shop', name: 'web' }, messageId: 'oomKilled' }],
    },
    {
      name: 'a shorter notReadyFor catches a proxy not ready for two minutes',
      now: NOW,
      params: { notReadyFor: '1m' },
      objects: [...web(), webPod('web-a', unready, { conditions: notReadySince('2026-03-01T11:58:00Z') })],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'notReady',
          data: { for: '2m', cause: '' },
        },
      ],
    },
  ],
  skip: [
    { name: 'is skipped when neither pods nor Deployments were collected', objects: [namespace('shop')] },
  ],
})
