import { defineCases } from '../detect/cases.js'
import detector from './hpa-slow-readiness-probe.js'
import { fxContainer, fxWorkload } from './lib/autoscaling.js'
import { hpa } from './lib/fixtures.js'

const http = { httpGet: { path: '/ready', port: 8080 } }
const web = (probes: Record<string, unknown>) =>
  fxWorkload('web', { podSpec: { containers: [fxContainer(probes)] } })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a probe with defaults (every 10s, no delay)',
      objects: [...web({ readinessProbe: http }), hpa('web')],
    },
    {
      name: 'does not fire at exactly 30 seconds of initial delay',
      objects: [...web({ readinessProbe: { ...http, initialDelaySeconds: 30 } }), hpa('web')],
    },
    {
      name: 'does not fire on a long failureThreshold (it delays going out of service, not coming in)',
      objects: [...web({ readinessProbe: { ...http, periodSeconds: 10, failureThreshold: 12 } }), hpa('web')],
    },
    {
      name: 'does not fire on a slow liveness probe',
      objects: [
        ...web({ readinessProbe: http, livenessProbe: { ...http, initialDelaySeconds: 120 } }),
        hpa('web'),
      ],
    },
    {
      name: 'does not fire on a workload without HPA',
      objects: [
        ...web({ readinessProbe: { ...http, initialDelaySeconds: 90 } }),
        ...fxWorkload('api'),
        hpa('api'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a readiness probe that waits 90 seconds before its first check',
      objects: [...web({ readinessProbe: { ...http, initialDelaySeconds: 90 } }), hpa('web')],
      findings: [
        {
          object: WEB,
          messageId: 'initialDelay',
          key: 'app',
          data: { probe: 'readiness', seconds: 90, container: 'app', target: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires on a startup probe with a long initial delay',
      objects: [
        ...web({ readinessProbe: http, startupProbe: { ...http, initialDelaySeconds: 60 } }),
        hpa('web'),
      ],
      findings: [{ object: WEB, messageId: 'initialDelay', data: { probe: 'startup', seconds: 60 } }],
    },
    {
      name: 'fires on a probe every 20 seconds that needs two successes',
      objects: [...web({ readinessProbe: { ...http, periodSeconds: 20, successThreshold: 2 } }), hpa('web')],
      findings: [{ object: WEB, messageId: 'slowPeriod', data: { period: 20, success: 2, seconds: 40 } }],
    },
    {
      name: 'fires on a lower threshold when the parameter says so',
      params: { maxInitialDelay: 10 },
      objects: [...web({ readinessProbe: { ...http, initialDelaySeconds: 15 } }), hpa('web')],
      findings: [{ object: WEB, messageId: 'initialDelay', data: { seconds: 15 } }],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [hpa('web')] }],
})
