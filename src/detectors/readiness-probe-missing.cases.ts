import { defineCases } from '../detect/cases.js'
import detector from './readiness-probe-missing.js'
import { pod, rsName } from './lib/fixtures.js'
import { container, service, workload } from './lib/reliability.js'

const noProbe = container({ readinessProbe: undefined })
const web = (spec: Record<string, unknown>, opts = {}) => workload('Deployment', 'web', spec, opts)
const rs = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: rsName('web'),
    namespace: 'default',
    uid: `uid-replicaset-default-${rsName('web')}`,
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: 'uid-deployment-default-web',
        controller: true,
      },
    ],
  },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } },
}
const DEPLOYMENT = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the serving container has a readiness probe',
      objects: [web({ containers: [container()] }), service('web', { app: 'web' })],
    },
    {
      name: 'does not fire when a startup probe keeps the starting container out of the Service',
      objects: [
        web({
          containers: [
            container({
              readinessProbe: undefined,
              startupProbe: { httpGet: { path: '/healthz', port: 'http' } },
            }),
          ],
        }),
        service('web', { app: 'web' }),
      ],
    },
    {
      name: 'does not fire on a Deployment that no Service selects',
      objects: [web({ containers: [noProbe] }), service('api', { app: 'api' })],
    },
    {
      name: 'does not fire when the matching Service is in another namespace',
      objects: [web({ containers: [noProbe] }), service('web', { app: 'web' }, { namespace: 'other' })],
    },
    {
      name: 'does not fire when the Service selects only some of the labels the pods lack',
      objects: [web({ containers: [noProbe] }), service('web', { app: 'web', tier: 'frontend' })],
    },
    {
      name: 'does not fire on a CronJob whose pods a Service happens to select',
      objects: [
        workload('CronJob', 'web', { containers: [noProbe], restartPolicy: 'OnFailure' }),
        service('web', { app: 'web' }),
      ],
    },
    {
      name: 'does not fire on a log shipper without ports beside the probed container that serves the port',
      objects: [
        web({ containers: [container(), { name: 'log-shipper', image: 'fluent-bit:3.1.4' }] }),
        service('web', { app: 'web' }, { targetPort: 'http' }),
      ],
    },
    {
      name: 'does not fire on init containers and native sidecars without probes',
      objects: [
        web({
          initContainers: [
            { name: 'migrate', image: 'registry.example.com/migrate:1.0' },
            { name: 'proxy', image: 'envoy:1.31.0', restartPolicy: 'Always' },
          ],
          containers: [container()],
        }),
        service('web', { app: 'web' }),
      ],
    },
    {
      name: 'does not fire for a Service that publishes not-ready addresses (peer discovery of a StatefulSet)',
      objects: [
        workload('StatefulSet', 'db', { containers: [noProbe] }),
        service('db', { app: 'db' }, { publishNotReadyAddresses: true }),
      ],
    },
    {
      name: 'does not fire for a Service without a selector (endpoints managed by hand)',
      objects: [web({ containers: [noProbe] }), { ...service('web', {}), spec: { ports: [{ port: 80 }] } }],
    },
  ],
  invalid: [
    {
      name: 'fires on a Deployment behind a Service whose container has no readiness probe',
      objects: [web({ containers: [noProbe] }), service('web', { app: 'web' })],
      findings: [
        {
          object: DEPLOYMENT,
          messageId: 'missing',
          key: 'app',
          data: { container: 'app', workload: 'Deployment/web', services: 'web' },
        },
      ],
    },
    {
      name: 'fires once for the Deployment, not once per pod, and names every Service',
      objects: [
        web({ containers: [noProbe] }),
        rs,
        pod('web-1', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: rsName('web') } }),
        pod('web-2', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: rsName('web') } }),
        service('web', { app: 'web' }),
        service('web-internal', { app: 'web' }),
      ],
      findings: [{ object: DEPLOYMENT, messageId: 'missing', data: { services: 'web, web-internal' } }],
    },
    {
      name: 'names only the container that serves the targeted port',
      objects: [
        web({
          containers: [
            { name: 'metrics', image: 'exporter:0.15.0', ports: [{ name: 'metrics', containerPort: 9100 }] },
            container({ readinessProbe: undefined }),
          ],
        }),
        service('web', { app: 'web' }, { targetPort: 8080 }),
      ],
      findings: [{ object: DEPLOYMENT, messageId: 'missing', key: 'app' }],
    },
    {
      name: 'fires on a StatefulSet behind its headless Service',
      objects: [
        workload('StatefulSet', 'db', { containers: [{ name: 'postgres', image: 'postgres:16.4' }] }),
        {
          ...service('db', { app: 'db' }),
          spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] },
        },
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'missing',
          data: { container: 'postgres' },
        },
      ],
    },
    {
      name: 'fires on a bare pod behind a Service',
      objects: [
        pod('debug-web', {
          labels: { app: 'web' },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        }),
        service('web', { app: 'web' }),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'debug-web' }, messageId: 'missing' }],
    },
  ],
  skip: [
    {
      name: 'is skipped when Services were not collected',
      objects: [web({ containers: [noProbe] })],
    },
  ],
})
