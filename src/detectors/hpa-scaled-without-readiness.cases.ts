import { defineCases } from '../detect/cases.js'
import detector from './hpa-scaled-without-readiness.js'
import { fxContainer, fxService, fxWorkload } from './lib/autoscaling.js'
import { hpa, statefulSet } from './lib/fixtures.js'

const probe = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 }
const port = { ports: [{ containerPort: 8080 }] }
const web = (...containers: Record<string, unknown>[]) => fxWorkload('web', { podSpec: { containers } })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the container has a readiness probe',
      objects: [...web(fxContainer({ ...port, readinessProbe: probe })), hpa('web'), fxService('web', 'web')],
    },
    {
      name: 'does not fire when the container has a startup probe (ready once it passes)',
      objects: [...web(fxContainer({ ...port, startupProbe: probe })), hpa('web'), fxService('web', 'web')],
    },
    {
      name: 'does not fire on a helper container without ports beside a probed one',
      objects: [
        ...web(fxContainer({ ...port, readinessProbe: probe }), {
          name: 'log-shipper',
          image: 'fluent-bit:3',
        }),
        hpa('web'),
        fxService('web', 'web'),
      ],
    },
    {
      name: 'does not fire on a queue worker no Service selects',
      objects: [...web(fxContainer()), hpa('web'), fxService('api', 'api')],
    },
    {
      name: 'does not fire on a workload without HPA',
      objects: [
        ...web(fxContainer(port)),
        ...fxWorkload('api', { podSpec: { containers: [fxContainer({ readinessProbe: probe })] } }),
        hpa('api'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the HPA-scaled container behind a Service has no readiness probe',
      objects: [...web(fxContainer({ ...port, livenessProbe: probe })), hpa('web'), fxService('web', 'web')],
      findings: [
        {
          object: WEB,
          messageId: 'noReadiness',
          key: 'app',
          data: { container: 'app', target: 'Deployment/web', hpa: 'web', targetKind: 'deployment' },
        },
      ],
    },
    {
      name: 'fires when Services were not collected (traffic cannot be ruled out)',
      objects: [...web(fxContainer()), hpa('web')],
      findings: [{ object: WEB, messageId: 'noReadiness', key: 'app' }],
    },
    {
      name: 'names each serving container without a probe',
      objects: [
        ...web(fxContainer(port), { name: 'grpc', image: 'grpc:1', ports: [{ containerPort: 9090 }] }),
        hpa('web'),
        fxService('web', 'web'),
      ],
      findings: [
        { object: WEB, messageId: 'noReadiness', key: 'app' },
        { object: WEB, messageId: 'noReadiness', key: 'grpc' },
      ],
    },
    {
      name: 'fires on a StatefulSet target',
      objects: [statefulSet('db'), hpa('db', { target: { kind: 'StatefulSet', name: 'db' } })],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'noReadiness',
          data: { targetKind: 'statefulset' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [hpa('web')] }],
})
