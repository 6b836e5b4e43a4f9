import { defineCases } from '../detect/cases.js'
import detector from './graceful-shutdown-missing.js'
import { container, service, workload } from './lib/reliability.js'

const svc = service('web', { app: 'web' })
const web = (spec: Record<string, unknown>, namespace = 'default') =>
  workload('Deployment', 'web', spec, { namespace })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }
const exec = (...command: string[]) => ({ preStop: { exec: { command } } })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the container sleeps 5s in preStop within the default grace period',
      objects: [web({ containers: [container()] }), svc],
    },
    {
      name: 'does not fire on an exec preStop that sleeps less than the grace period',
      objects: [
        web({
          containers: [container({ lifecycle: exec('sh', '-c', 'sleep 10 && nginx -s quit') })],
          terminationGracePeriodSeconds: 60,
        }),
        svc,
      ],
    },
    {
      name: 'does not fire on a preStop that calls the app (its length cannot be known)',
      objects: [
        web({
          containers: [container({ lifecycle: { preStop: { httpGet: { path: '/drain', port: 8080 } } } })],
        }),
        svc,
      ],
    },
    {
      name: 'does not fire on a workload no Service selects',
      objects: [web({ containers: [container({ lifecycle: undefined })] }), service('api', { app: 'api' })],
    },
    {
      name: 'does not fire on a Job, even behind a Service',
      objects: [
        workload('Job', 'web', { containers: [container({ lifecycle: undefined })], restartPolicy: 'Never' }),
        svc,
      ],
    },
    {
      name: 'does not fire in kube-system',
      objects: [
        web({ containers: [container({ lifecycle: undefined })] }, 'kube-system'),
        service('web', { app: 'web' }, { namespace: 'kube-system' }),
      ],
    },
    {
      name: 'does not fire on a sidecar that does not serve the targeted port',
      objects: [
        web({ containers: [container(), { name: 'log-shipper', image: 'fluent-bit:3.1.4' }] }),
        service('web', { app: 'web' }, { targetPort: 'http' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a serving container without a preStop hook',
      objects: [web({ containers: [container({ lifecycle: undefined })] }), svc],
      findings: [
        {
          object: WEB,
          messageId: 'noPreStop',
          key: 'app',
          data: { container: 'app', services: 'web', workload: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires on a grace period of zero, once for the workload',
      objects: [
        web({
          containers: [container(), container({ name: 'second', ports: [] })],
          terminationGracePeriodSeconds: 0,
        }),
        svc,
      ],
      findings: [{ object: WEB, messageId: 'graceZero', key: 'terminationGracePeriodSeconds' }],
    },
    {
      name: 'fires when the preStop sleep action is as long as the grace period',
      objects: [
        web({ containers: [container({ lifecycle: { preStop: { sleep: { seconds: 30 } } } })] }),
        svc,
      ],
      findings: [{ object: WEB, messageId: 'graceTooShort', data: { preStop: 30, grace: 30 } }],
    },
    {
      name: 'fires when an exec sleep of 1m outlasts a 45s grace period',
      objects: [
        web({
          containers: [container({ lifecycle: exec('/bin/sleep', '1m') })],
          terminationGracePeriodSeconds: 45,
        }),
        svc,
      ],
      findings: [{ object: WEB, messageId: 'graceTooShort', data: { preStop: 60, grace: 45 } }],
    },
    {
      name: 'fires on a StatefulSet behind its Service',
      objects: [workload('StatefulSet', 'web', { containers: [container({ lifecycle: undefined })] }), svc],
      findings: [
        { object: { kind: 'StatefulSet', namespace: 'default', name: 'web' }, messageId: 'noPreStop' },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when Services were not collected',
      objects: [web({ containers: [container({ lifecycle: undefined })] })],
    },
  ],
})
