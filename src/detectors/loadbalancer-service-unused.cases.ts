import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './loadbalancer-service-unused.js'
import { pod } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function svc(
  name: string,
  opts: { type?: string; selector?: Record<string, string> | null; created?: string; ip?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'shop', creationTimestamp: opts.created ?? '2026-01-15T00:00:00Z' },
    spec: {
      type: opts.type ?? 'LoadBalancer',
      ...(opts.selector === null ? {} : { selector: opts.selector ?? { app: name } }),
      ports: [{ port: 443, targetPort: 8443 }],
    },
    status: { loadBalancer: opts.ip ? { ingress: [{ ip: opts.ip }] } : {} },
  }
}

const webPod = pod('web-7d9f8b6c5d-abcde', { namespace: 'shop', labels: { app: 'web' } })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a load balancer in front of running pods',
      now: NOW,
      objects: [svc('web', { ip: '203.0.113.10' }), webPod],
    },
    {
      name: 'does not fire on a load balancer without a selector (endpoints managed elsewhere)',
      now: NOW,
      objects: [svc('external-db', { selector: null }), webPod],
    },
    {
      name: 'does not fire on a ClusterIP Service that selects nothing (service-selector checks cover it)',
      now: NOW,
      objects: [svc('old-api', { type: 'ClusterIP' }), webPod],
    },
    {
      name: 'does not fire yet on a load balancer created two hours ago whose pods are not up',
      now: NOW,
      objects: [svc('new-app', { created: '2026-03-01T10:00:00Z' }), webPod],
    },
  ],
  invalid: [
    {
      name: 'fires on a load balancer whose app was deleted, naming its address',
      now: NOW,
      objects: [svc('web', { ip: '203.0.113.10' }), svc('legacy-api', { ip: '203.0.113.20' }), webPod],
      findings: [
        {
          object: { kind: 'Service', namespace: 'shop', name: 'legacy-api' },
          messageId: 'unused',
          data: { selector: 'app=legacy-api', address: ' (203.0.113.20)', age: '45d12h' },
        },
      ],
    },
    {
      name: 'fires when the only matching pods have finished',
      now: NOW,
      objects: [
        svc('report-ui', { ip: '203.0.113.30' }),
        pod('report-ui-28401234-x', { namespace: 'shop', labels: { app: 'report-ui' }, phase: 'Succeeded' }),
      ],
      findings: [{ object: { kind: 'Service', namespace: 'shop', name: 'report-ui' }, messageId: 'unused' }],
    },
    {
      name: 'fires on a two-hour-old load balancer when minAge is one hour',
      now: NOW,
      params: { minAge: '1h' },
      objects: [svc('new-app', { created: '2026-03-01T10:00:00Z' }), webPod],
      findings: [
        {
          object: { kind: 'Service', namespace: 'shop', name: 'new-app' },
          messageId: 'unused',
          data: { age: '2h', address: '' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [svc('web')] }],
})
