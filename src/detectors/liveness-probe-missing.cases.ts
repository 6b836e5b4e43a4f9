import { defineCases } from '../detect/cases.js'
import detector from './liveness-probe-missing.js'
import { pod } from './lib/fixtures.js'
import { container, workload } from './lib/reliability.js'

const noLiveness = container({ livenessProbe: undefined })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every container has a liveness probe',
      objects: [workload('Deployment', 'web', { containers: [container()] })],
    },
    {
      name: 'does not fire on a Job, whose pods run to completion',
      objects: [workload('Job', 'migrate', { containers: [noLiveness], restartPolicy: 'Never' })],
    },
    {
      name: 'does not fire on a CronJob',
      objects: [workload('CronJob', 'report', { containers: [noLiveness], restartPolicy: 'OnFailure' })],
    },
    {
      name: 'does not fire on a bare pod that runs once (restartPolicy Never)',
      objects: [pod('one-off', { spec: { containers: [noLiveness], restartPolicy: 'Never' } })],
    },
    {
      name: 'does not fire on init containers and native sidecars',
      objects: [
        workload('Deployment', 'web', {
          initContainers: [
            { name: 'migrate', image: 'registry.example.com/migrate:1.0' },
            { name: 'proxy', image: 'envoy:1.31.0', restartPolicy: 'Always' },
          ],
          containers: [container()],
        }),
      ],
    },
    {
      name: 'does not fire on an injected istio-proxy, which the mesh ships with a readiness probe only',
      objects: [
        pod('web-1', {
          spec: {
            containers: [
              container(),
              {
                name: 'istio-proxy',
                image: 'istio/proxyv2:1.23.2',
                readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 } },
              },
            ],
          },
        }),
      ],
    },
    {
      name: 'does not fire in kube-system, whose add-ons the platform vendor manages',
      objects: [
        workload('DaemonSet', 'kube-proxy', { containers: [noLiveness] }, { namespace: 'kube-system' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a Deployment container without a liveness probe',
      objects: [workload('Deployment', 'web', { containers: [noLiveness] })],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'missing',
          key: 'app',
          data: { container: 'app', workload: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires once per container that lacks one',
      objects: [
        workload('StatefulSet', 'db', {
          containers: [
            { name: 'postgres', image: 'postgres:16.4' },
            container({ name: 'exporter', livenessProbe: undefined }),
            container({ name: 'ok' }),
          ],
        }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'missing',
          key: 'postgres',
        },
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'missing',
          key: 'exporter',
        },
      ],
    },
    {
      name: 'fires in kube-system when the exclusion list is emptied',
      params: { excludeNamespaces: [] },
      objects: [
        workload('DaemonSet', 'kube-proxy', { containers: [noLiveness] }, { namespace: 'kube-system' }),
      ],
      findings: [
        { object: { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' }, messageId: 'missing' },
      ],
    },
  ],
  skip: [
    { name: 'is skipped when no workload or pod was collected', objects: [], collected: ['v1/Service'] },
  ],
})
