import { defineCases } from '../detect/cases.js'
import detector from './hpa-scaled-without-graceful-shutdown.js'
import { fxContainer, fxService, fxWorkload } from './lib/autoscaling.js'
import { hpa } from './lib/fixtures.js'

const port = { ports: [{ containerPort: 8080 }] }
const sleepHook = (seconds: number) => ({ lifecycle: { preStop: { sleep: { seconds } } } })
const execHook = (...command: string[]) => ({ lifecycle: { preStop: { exec: { command } } } })
const web = (containers: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
  fxWorkload('web', { podSpec: { containers, ...extra } })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }
const svc = fxService('web', 'web')

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire with a 5s preStop sleep and the default 30s grace period',
      objects: [...web([fxContainer({ ...port, ...sleepHook(5) })]), hpa('web'), svc],
    },
    {
      name: 'does not fire with an exec sleep through a shell, well within the grace period',
      objects: [
        ...web([fxContainer({ ...port, ...execHook('/bin/sh', '-c', 'sleep 10 && nginx -s quit') })]),
        hpa('web'),
        svc,
      ],
    },
    {
      name: 'does not fire when the preStop sleep is one second shorter than the grace period',
      objects: [
        ...web([fxContainer({ ...port, ...sleepHook(29) })], { terminationGracePeriodSeconds: 30 }),
        hpa('web'),
        svc,
      ],
    },
    {
      name: 'does not fire when the serving container has a hook and the sidecar has none',
      objects: [
        ...web([
          fxContainer({ ...port, ...sleepHook(5) }),
          { name: 'istio-proxy', image: 'proxyv2:1.23', ports: [{ containerPort: 15090 }] },
        ]),
        hpa('web'),
        svc,
      ],
    },
    {
      name: 'does not fire on a worker no Service selects',
      objects: [...web([fxContainer()]), hpa('web'), fxService('api', 'api')],
    },
    {
      name: 'does not fire on a workload without HPA',
      objects: [
        ...web([fxContainer(port)]),
        ...fxWorkload('api', { podSpec: { containers: [fxContainer(sleepHook(5))] } }),
        hpa('api'),
        svc,
        fxService('api', 'api'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when no serving container has a preStop hook',
      objects: [...web([fxContainer(port)]), hpa('web'), svc],
      findings: [
        {
          object: WEB,
          messageId: 'noPreStop',
          key: 'preStop',
          data: { container: 'app', service: 'web', hpa: 'web', target: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires when the grace period is 0',
      objects: [
        ...web([fxContainer({ ...port, ...sleepHook(5) })], { terminationGracePeriodSeconds: 0 }),
        hpa('web'),
        svc,
      ],
      findings: [{ object: WEB, messageId: 'graceZero', key: 'grace' }],
    },
    {
      name: 'fires when the preStop sleep is as long as the grace period',
      objects: [...web([fxContainer({ ...port, ...sleepHook(30) })]), hpa('web'), svc],
      findings: [{ object: WEB, messageId: 'graceTooShort', key: 'app', data: { sleep: 30, grace: 30 } }],
    },
    {
      name: 'fires when an exec sleep outlasts a shortened grace period',
      objects: [
        ...web([fxContainer({ ...port, ...execHook('sleep', '20') })], { terminationGracePeriodSeconds: 15 }),
        hpa('web'),
        svc,
      ],
      findings: [{ object: WEB, messageId: 'graceTooShort', data: { sleep: 20, grace: 15 } }],
    },
  ],
  skip: [
    {
      name: 'is skipped when Services were not collected',
      objects: [...web([fxContainer(port)]), hpa('web')],
    },
  ],
})
