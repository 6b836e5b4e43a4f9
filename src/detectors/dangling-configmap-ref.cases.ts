import { defineCases } from '../detect/cases.js'
import detector from './dangling-configmap-ref.js'
import { pod } from './lib/fixtures.js'
import { container, named, workload } from './lib/reliability.js'

const rootCa = named('v1/ConfigMap', 'kube-root-ca.crt', { data: { 'ca.crt': '...' } })
const config = named('v1/ConfigMap', 'web-config', { data: { 'app.yaml': 'port: 8080', LOG_LEVEL: 'info' } })
const web = (spec: Record<string, unknown>) => workload('Deployment', 'web', spec)
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }
const volume = (name: string, extra: Record<string, unknown> = {}) => ({
  volumes: [{ name: 'config', configMap: { name, ...extra } }],
})
const envFrom = (name: string, key: string, optional?: boolean) =>
  container({
    env: [
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name, key, ...(optional ? { optional } : {}) } } },
    ],
  })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the mounted ConfigMap exists',
      objects: [web({ containers: [container()], ...volume('web-config') }), config, rootCa],
    },
    {
      name: 'does not fire when the env key exists in the ConfigMap',
      objects: [web({ containers: [envFrom('web-config', 'LOG_LEVEL')] }), config],
    },
    {
      name: 'does not fire on a missing ConfigMap marked optional',
      objects: [web({ containers: [container()], ...volume('feature-flags', { optional: true }) }), rootCa],
    },
    {
      name: 'does not fire on a missing key of an optional env reference',
      objects: [web({ containers: [envFrom('web-config', 'TRACE', true)] }), config],
    },
    {
      name: 'does not fire on kube-root-ca.crt in a projected volume, which the control plane publishes in every namespace',
      objects: [
        pod('web-1', {
          spec: {
            containers: [container()],
            volumes: [
              {
                name: 'kube-api-access',
                projected: {
                  sources: [
                    { serviceAccountToken: { path: 'token' } },
                    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                  ],
                },
              },
            ],
          },
        }),
        config,
      ],
    },
    {
      name: 'does not fire in a namespace where no ConfigMap was collected at all',
      objects: [
        web({ containers: [container()], ...volume('web-config') }),
        named('v1/ConfigMap', 'kube-root-ca.crt', {}, 'other'),
      ],
    },
    {
      name: 'does not fire on a finished Job',
      objects: [
        {
          ...workload('Job', 'migrate', {
            containers: [container()],
            restartPolicy: 'Never',
            ...volume('migrations'),
          }),
          status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
        },
        rootCa,
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a mounted ConfigMap that does not exist',
      objects: [web({ containers: [container()], ...volume('web-confg') }), config, rootCa],
      findings: [
        {
          object: WEB,
          messageId: 'missing',
          key: 'web-confg',
          data: { configMap: 'web-confg', usedBy: 'volume config', workload: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires on envFrom and env references, once per missing ConfigMap',
      objects: [
        web({
          containers: [
            container({
              envFrom: [{ configMapRef: { name: 'shared-env' } }],
              env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'shared-env', key: 'A' } } }],
            }),
          ],
          initContainers: [
            { name: 'init', image: 'busybox:1.36', envFrom: [{ configMapRef: { name: 'init-env' } }] },
          ],
        }),
        rootCa,
      ],
      findings: [
        {
          object: WEB,
          messageId: 'missing',
          key: 'shared-env',
          data: { usedBy: 'env A of container app (and 1 more)' },
        },
        { object: WEB, messageId: 'missing', key: 'init-env', data: { usedBy: 'envFrom of container init' } },
      ],
    },
    {
      name: 'fires on a key missing from an existing ConfigMap',
      objects: [web({ containers: [envFrom('web-config', 'LOGLEVEL')] }), config],
      findings: [
        {
          object: WEB,
          messageId: 'missingKey',
          key: 'web-config/LOGLEVEL',
          data: { key: 'LOGLEVEL', usedBy: 'env LOG_LEVEL of container app' },
        },
      ],
    },
    {
      name: 'fires on a volume item whose key is missing',
      objects: [
        web({
          containers: [container()],
          ...volume('web-config', { items: [{ key: 'app.yml', path: 'app.yaml' }] }),
        }),
        config,
      ],
      findings: [{ object: WEB, messageId: 'missingKey', data: { key: 'app.yml', usedBy: 'volume config' } }],
    },
    {
      name: 'fires on a CronJob, whose next run would fail',
      objects: [
        workload('CronJob', 'report', {
          containers: [container()],
          restartPolicy: 'OnFailure',
          ...volume('report-config'),
        }),
        rootCa,
      ],
      findings: [{ object: { kind: 'CronJob', namespace: 'default', name: 'report' }, messageId: 'missing' }],
    },
  ],
  skip: [
    {
      name: 'is skipped when ConfigMaps were not collected',
      objects: [web({ containers: [container()], ...volume('web-config') })],
    },
  ],
})
