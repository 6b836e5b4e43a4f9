import { defineCases } from '../detect/cases.js'
import detector from './statefulset-service-missing.js'
import { statefulSet } from './lib/fixtures.js'
import { service } from './lib/pods-workloads.js'

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the headless Service exists',
      objects: [statefulSet('db', { namespace: 'shop' }), service('db', { namespace: 'shop' })],
    },
    {
      name: 'does not fire on a StatefulSet without serviceName (it is optional in recent versions)',
      objects: [statefulSet('cache', { spec: { serviceName: '' } }), service('other')],
    },
    {
      name: 'does not fire on a manifest set that holds the StatefulSet and its headless Service',
      objects: [
        statefulSet('kafka', { namespace: 'queue', spec: { serviceName: 'kafka-headless' } }),
        service('kafka-headless', { namespace: 'queue' }),
        service('kafka', { namespace: 'queue', clusterIP: '10.96.4.12' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the named Service does not exist',
      objects: [statefulSet('db', { namespace: 'shop' }), service('db-headless', { namespace: 'shop' })],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
          messageId: 'missing',
          data: { service: 'db' },
        },
      ],
    },
    {
      name: 'a Service of that name in another namespace does not count',
      objects: [statefulSet('db', { namespace: 'shop' }), service('db', { namespace: 'default' })],
      findings: [{ object: { kind: 'StatefulSet', namespace: 'shop', name: 'db' }, messageId: 'missing' }],
    },
    {
      name: 'fires with notHeadless when the named Service has a cluster IP',
      objects: [
        statefulSet('db', { namespace: 'shop' }),
        service('db', { namespace: 'shop', clusterIP: '10.96.0.15' }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
          messageId: 'notHeadless',
          data: { service: 'db', clusterIP: '10.96.0.15' },
        },
      ],
    },
    {
      name: 'a manifest Service that does not say clusterIP: None is not headless',
      objects: [
        statefulSet('db', { namespace: 'shop' }),
        service('db', { namespace: 'shop', clusterIP: '' }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
          messageId: 'notHeadless',
          data: { clusterIP: 'allocated' },
        },
      ],
    },
    {
      name: 'fires when Services were listed and there are none',
      objects: [statefulSet('db')],
      collected: ['v1/Service'],
      findings: [{ object: { kind: 'StatefulSet', namespace: 'default', name: 'db' }, messageId: 'missing' }],
    },
  ],
  skip: [{ name: 'is skipped when Services were not collected', objects: [statefulSet('db')] }],
})
