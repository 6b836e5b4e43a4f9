import { defineCases } from '../detect/cases.js'
import { node } from './lib/fixtures.js'
import { endpointSlice, endpointsObject, service, servicePod } from './lib/networking.js'
import detector from './service-notready-endpoints.js'

const NOW = '2026-03-01T12:00:00Z'
const web = { app: 'web' }
const HALF_HOUR_AGO = '2026-03-01T11:30:00Z'
const threeEndpoints = (third: { ready?: boolean; terminating?: boolean }, changed = HALF_HOUR_AGO) =>
  endpointSlice('web', [{ pod: 'web-1' }, { pod: 'web-2' }, { pod: 'web-3', ...third }], { changed })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every endpoint is ready',
      now: NOW,
      objects: [service('web'), threeEndpoints({})],
    },
    {
      name: 'does not fire when no endpoint is ready (service-no-endpoints reports that)',
      now: NOW,
      objects: [service('web'), endpointSlice('web', [{ pod: 'web-1', ready: false }])],
    },
    {
      name: 'does not fire yet when the pod became not ready five minutes ago',
      now: NOW,
      objects: [
        service('web'),
        threeEndpoints({ ready: false }, '2026-03-01T11:55:00Z'),
        servicePod('web-3', web, { ready: false, since: '2026-03-01T11:55:00Z' }),
      ],
    },
    {
      name: 'does not fire on an endpoint that is terminating during a rollout',
      now: NOW,
      objects: [service('web'), threeEndpoints({ ready: false, terminating: true })],
    },
    {
      name: 'does not fire when the pod is Ready by now (endpoints read a moment earlier)',
      now: NOW,
      objects: [service('web'), threeEndpoints({ ready: false }), servicePod('web-3', web)],
    },
    {
      name: 'stays quiet with a longer threshold',
      now: NOW,
      params: { minDuration: '1h' },
      objects: [
        service('web'),
        threeEndpoints({ ready: false }),
        servicePod('web-3', web, { ready: false, since: HALF_HOUR_AGO }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when one of three endpoints has failed its readiness probe for half an hour',
      now: NOW,
      objects: [
        service('web'),
        threeEndpoints({ ready: false }),
        servicePod('web-1', web),
        servicePod('web-2', web),
        servicePod('web-3', web, { ready: false, since: HALF_HOUR_AGO }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'someNotReady',
          data: {
            notReady: 1,
            total: 3,
            for: '30m',
            pods: 'web-3: readiness probe failing (container app)',
          },
        },
      ],
    },
    {
      name: 'counts each pod once on a dual-stack Service (one slice per address family)',
      now: NOW,
      objects: [
        service('web'),
        threeEndpoints({ ready: false }, '2026-03-01T10:00:00Z'),
        endpointSlice('web', [{ pod: 'web-1' }, { pod: 'web-2' }, { pod: 'web-3', ready: false }], {
          addressType: 'IPv6',
          suffix: 'v6q2m',
          changed: '2026-03-01T10:00:00Z',
        }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'someNotReady',
          data: { notReady: 1, total: 3 },
        },
      ],
    },
    {
      name: 'fires from the last change of the endpoints when pods were not collected',
      now: NOW,
      objects: [service('web'), threeEndpoints({ ready: false }, '2026-03-01T10:00:00Z')],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'someNotReady',
          data: { for: '2h', pods: 'web-3: not ready' },
        },
      ],
    },
    {
      name: 'fires from v1 Endpoints and names the dead node behind the not-ready pod',
      now: NOW,
      objects: [
        service('dns'),
        endpointsObject('dns', ['dns-a'], ['dns-b']),
        servicePod('dns-a', { app: 'dns' }),
        servicePod('dns-b', { app: 'dns' }, { ready: false, node: 'n2', since: '2026-03-01T09:00:00Z' }),
        node('n2', { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T09:00:00Z'] }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'dns' },
          messageId: 'someNotReady',
          data: { notReady: 1, total: 2, for: '3h', pods: 'dns-b: its node n2 is NotReady' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when neither EndpointSlices nor Endpoints were collected',
      objects: [service('web'), servicePod('web-1', web)],
    },
  ],
})
