import { defineCases } from '../detect/cases.js'
import detector from './liveness-equals-readiness.js'
import { container, workload } from './lib/reliability.js'

const health = { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10 }
const web = (c: Record<string, unknown>, namespace = 'default') =>
  workload('Deployment', 'web', { containers: [c] }, { namespace })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when liveness and readiness call different paths',
      objects: [web(container())],
    },
    {
      name: 'does not fire when the paths match but the ports differ (an admin port for liveness)',
      objects: [
        web(
          container({
            livenessProbe: { httpGet: { path: '/health', port: 9090 } },
            readinessProbe: { httpGet: { path: '/health', port: 8080 } },
          }),
        ),
      ],
    },
    {
      name: 'does not fire when liveness checks the TCP port and readiness an HTTP endpoint on it',
      objects: [
        web(
          container({
            livenessProbe: { tcpSocket: { port: 8080 } },
            readinessProbe: { httpGet: { path: '/', port: 8080 } },
          }),
        ),
      ],
    },
    {
      name: 'does not fire when the container has only a readiness probe',
      objects: [web(container({ livenessProbe: undefined, readinessProbe: health }))],
    },
    {
      name: 'does not fire on two different exec commands',
      objects: [
        web(
          container({
            livenessProbe: { exec: { command: ['pg_isready', '-h', 'localhost'] } },
            readinessProbe: { exec: { command: ['psql', '-c', 'select 1'] } },
          }),
        ),
      ],
    },
    {
      name: 'does not fire in kube-system',
      objects: [web(container({ livenessProbe: health, readinessProbe: health }), 'kube-system')],
    },
  ],
  invalid: [
    {
      name: 'fires when both probes call the same HTTP path and port',
      objects: [web(container({ livenessProbe: health, readinessProbe: { ...health, periodSeconds: 5 } }))],
      findings: [
        {
          object: WEB,
          messageId: 'identical',
          key: 'app',
          data: { container: 'app', workload: 'Deployment/web', probe: 'HTTP GET :8080/health' },
        },
      ],
    },
    {
      name: 'fires when one probe names the port and the other gives its number',
      objects: [
        web(
          container({
            livenessProbe: { httpGet: { path: '/health', port: 'http' }, failureThreshold: 6 },
            readinessProbe: { httpGet: { path: '/health', port: 8080 } },
          }),
        ),
      ],
      findings: [{ object: WEB, messageId: 'identical', data: { probe: 'HTTP GET :8080/health' } }],
    },
    {
      name: 'fires on identical TCP checks',
      objects: [
        workload('StatefulSet', 'redis', {
          containers: [
            {
              name: 'redis',
              image: 'redis:7.4',
              livenessProbe: { tcpSocket: { port: 6379 } },
              readinessProbe: { tcpSocket: { port: 6379 }, initialDelaySeconds: 5 },
            },
          ],
        }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'redis' },
          messageId: 'identical',
          data: { container: 'redis', probe: 'TCP :6379' },
        },
      ],
    },
    {
      name: 'fires on identical exec commands',
      objects: [
        web(
          container({
            livenessProbe: { exec: { command: ['pg_isready'] } },
            readinessProbe: { exec: { command: ['pg_isready'] } },
          }),
        ),
      ],
      findings: [{ object: WEB, messageId: 'identical', data: { probe: 'exec pg_isready' } }],
    },
  ],
  skip: [{ name: 'is skipped when no workload or pod was collected', objects: [], collected: ['v1/Node'] }],
})
