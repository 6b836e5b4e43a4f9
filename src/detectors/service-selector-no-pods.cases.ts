import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import { deployment } from './lib/fixtures.js'
import { service, servicePod } from './lib/networking.js'
import detector from './service-selector-no-pods.js'

const NOW = '2026-03-01T12:00:00Z'
const cronJob: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'report', namespace: 'default', uid: 'uid-cronjob-report' },
  spec: {
    schedule: '0 2 * * *',
    jobTemplate: {
      spec: {
        template: {
          metadata: { labels: { app: 'report' } },
          spec: { restartPolicy: 'Never', containers: [{ name: 'report', image: 'report:1' }] },
        },
      },
    },
  },
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the selector matches pods',
      now: NOW,
      objects: [service('web'), servicePod('web-1', { app: 'web', 'pod-template-hash': 'abc' })],
    },
    {
      name: 'does not fire when a workload scaled to zero would create matching pods',
      now: NOW,
      objects: [service('web'), ...deployment('web', { replicas: 0 })],
      collected: ['v1/Pod'],
    },
    {
      name: 'does not fire on a Service for a CronJob between runs',
      now: NOW,
      objects: [service('report'), cronJob],
      collected: ['v1/Pod'],
    },
    {
      name: 'does not fire yet on a Service created a minute ago',
      now: NOW,
      objects: [service('web', { created: '2026-03-01T11:59:00Z' }), servicePod('api-1', { app: 'api' })],
    },
    {
      name: 'does not fire on Services without selector or of type ExternalName',
      now: NOW,
      objects: [
        service('legacy-db', { selector: null }),
        service('db', { type: 'ExternalName', selector: { app: 'db' } }),
        servicePod('api-1', { app: 'api' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a selector with a typo',
      now: NOW,
      objects: [service('web'), servicePod('webapp-1', { app: 'webapp' })],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'noPods',
          data: { selector: 'app=web', hint: '' },
        },
      ],
    },
    {
      name: 'fires and names the namespace where pods with these labels run',
      now: NOW,
      objects: [service('web'), servicePod('web-1', { app: 'web' }, { namespace: 'shop' })],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'noPods',
          data: {
            hint: '; likely cause: pods with these labels run in namespace shop, but a Service only selects pods of its own namespace',
          },
        },
      ],
    },
    {
      name: 'fires and names the pod that differs in one label (a stale version label)',
      now: NOW,
      objects: [
        service('web', { selector: { app: 'web', version: 'v1' } }),
        servicePod('web-1', { app: 'web', version: 'v2' }),
        servicePod('api-1', { app: 'api', version: 'v1' }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'noPods',
          data: {
            selector: 'app=web, version=v1',
            hint: '; likely cause: pod web-1 has version=v2, not version=v1',
          },
        },
      ],
    },
    {
      name: 'fires in a namespace without any pod',
      now: NOW,
      objects: [service('web', { namespace: 'empty' })],
      collected: ['v1/Pod'],
      findings: [{ object: { kind: 'Service', namespace: 'empty', name: 'web' }, messageId: 'noPods' }],
    },
  ],
  skip: [
    {
      name: 'is skipped when pods were not collected',
      objects: [service('web'), ...deployment('api')],
    },
  ],
})
