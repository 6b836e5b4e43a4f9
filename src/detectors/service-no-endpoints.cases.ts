import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import { deployment, node } from './lib/fixtures.js'
import { endpointSlice, endpointsObject, service, servicePod } from './lib/networking.js'
import detector from './service-no-endpoints.js'

const NOW = '2026-03-01T12:00:00Z'
const web = { app: 'web' }
// The slice of a Service without endpoints, as the API shows it (`endpoints: null`).
const emptySlice = (svc: string, namespace = 'default'): KubeObject => ({
  ...endpointSlice(svc, [], { namespace }),
  endpoints: null,
})
const scaledDeployment = (replicas: number) => {
  const [dep, rs] = deployment('web', { replicas }) as [KubeObject, KubeObject]
  return [{ ...dep, status: { observedGeneration: 1, replicas: 0 } }, rs]
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the Service has ready endpoints',
      now: NOW,
      objects: [
        service('web'),
        endpointSlice('web', [{ pod: 'web-1' }, { pod: 'web-2', ready: false }]),
        servicePod('web-1', web),
        servicePod('web-2', web, { ready: false }),
      ],
    },
    {
      name: 'does not fire on an ExternalName Service (a DNS alias without endpoints)',
      now: NOW,
      objects: [
        service('db', { type: 'ExternalName', selector: null, spec: { externalName: 'db.example.com' } }),
        service('api'),
        endpointSlice('api', [{ pod: 'api-1' }]),
      ],
    },
    {
      name: 'does not fire on a Service without selector (endpoints managed by hand)',
      now: NOW,
      objects: [service('legacy-db', { selector: null })],
      collected: ['discovery.k8s.io/v1/EndpointSlice'],
    },
    {
      name: 'does not fire yet on a Service created two minutes ago',
      now: NOW,
      objects: [service('web', { created: '2026-03-01T11:58:00Z' }), emptySlice('web')],
    },
    {
      name: 'does not fire yet when the pods stopped being ready three minutes ago',
      now: NOW,
      objects: [
        service('web'),
        endpointSlice('web', [{ pod: 'web-1', ready: false }], { changed: '2026-03-01T11:57:00Z' }),
        servicePod('web-1', web, { ready: false, since: '2026-03-01T11:57:00Z' }),
      ],
    },
    {
      name: 'does not fire when the workload behind the Service is scaled to zero on purpose',
      now: NOW,
      objects: [service('web'), emptySlice('web'), ...scaledDeployment(0)],
      collected: ['v1/Pod'],
    },
    {
      name: 'does not fire on a rendered manifest (a Service without status)',
      now: NOW,
      objects: [service('web', { status: null })],
      collected: ['discovery.k8s.io/v1/EndpointSlice'],
    },
    {
      name: 'counts a ready endpoint in any of the Service slices',
      now: NOW,
      objects: [
        service('web'),
        emptySlice('web'),
        endpointSlice('web', [{ pod: 'web-1' }], { suffix: 'b2n4q' }),
      ],
    },
    {
      name: 'reads ready addresses from v1 Endpoints when EndpointSlices were not collected',
      now: NOW,
      objects: [service('web'), endpointsObject('web', ['web-1'], ['web-2'])],
    },
  ],
  invalid: [
    {
      name: 'fires with the root cause when the selector matches no pod',
      now: NOW,
      objects: [
        service('web'),
        emptySlice('web'),
        servicePod('web-v2-1', { app: 'web-v2' }),
        servicePod('api-1', { app: 'api' }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'noPods',
          data: { selector: 'app=web', for: '59d12h' },
        },
      ],
    },
    {
      name: 'fires naming the pods and why none is ready (CrashLoopBackOff)',
      now: NOW,
      objects: [
        service('web'),
        endpointSlice('web', [
          { pod: 'web-1', ready: false },
          { pod: 'web-2', ready: false },
        ]),
        servicePod('web-1', web, { ready: false, waiting: 'CrashLoopBackOff' }),
        servicePod('web-2', web, { ready: false, waiting: 'CrashLoopBackOff' }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'podsNotReady',
          data: {
            podCount: 2,
            pods: 'web-1: CrashLoopBackOff (container app), web-2: CrashLoopBackOff (container app)',
          },
        },
      ],
    },
    {
      name: 'fires naming a dead node as the reason the pods are not ready',
      now: NOW,
      objects: [
        service('web'),
        endpointSlice('web', [{ pod: 'web-1', ready: false, node: 'n1' }]),
        servicePod('web-1', web, { ready: false, node: 'n1' }),
        node('n1', { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T10:00:00Z'] }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'podsNotReady',
          data: { pods: 'web-1: its node n1 is NotReady' },
        },
      ],
    },
    {
      name: 'fires naming the workload when it should run pods but none exist',
      now: NOW,
      objects: [service('web'), emptySlice('web'), ...scaledDeployment(3)],
      collected: ['v1/Pod'],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'notCreated',
          data: { workloads: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires on a scaled-to-zero workload when ignoreScaledToZero is off',
      now: NOW,
      params: { ignoreScaledToZero: false },
      objects: [service('web'), emptySlice('web'), ...scaledDeployment(0)],
      collected: ['v1/Pod'],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'scaledToZero',
          data: { workloads: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires when pods are Ready but the endpoints list none of them',
      now: NOW,
      objects: [service('web'), emptySlice('web'), servicePod('web-1', web)],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'stale',
          data: { pods: 'web-1' },
        },
      ],
    },
    {
      name: 'fires without a root cause when pods were not collected',
      now: NOW,
      objects: [service('web', { namespace: 'shop' }), emptySlice('web', 'shop')],
      findings: [
        {
          object: { kind: 'Service', namespace: 'shop', name: 'web' },
          messageId: 'noEndpoints',
          data: { selector: 'app=web' },
        },
      ],
    },
    {
      name: 'fires from v1 Endpoints with only not-ready addresses',
      now: NOW,
      objects: [
        service('web'),
        endpointsObject('web', [], ['web-1']),
        servicePod('web-1', web, { ready: false }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'podsNotReady',
          data: { pods: 'web-1: readiness probe failing (container app)' },
        },
      ],
    },
    {
      name: 'fires when the endpoints were changed long ago and are all terminating',
      now: NOW,
      objects: [
        service('web'),
        endpointSlice('web', [{ pod: 'web-1', ready: false, terminating: true }], {
          changed: '2026-03-01T11:00:00Z',
        }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'noEndpoints',
          data: { for: '1h' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when neither EndpointSlices nor Endpoints were collected',
      objects: [service('web'), servicePod('web-1', web)],
    },
    {
      name: 'is skipped when Services were not collected',
      objects: [endpointSlice('web', [{ pod: 'web-1' }])],
    },
  ],
})
