import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './container-restarts-elevated.js'
import { containerStatus, deployment, event, pod, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

/** A running pod whose container `app` has restarted `restarts` times, the last ending at `lastAt`. */
function restarting(
  name: string,
  restarts: number,
  lastAt: string,
  opts: { reason?: string; exitCode?: number; owner?: string; waiting?: string } = {},
): KubeObject {
  return pod(name, {
    status: {
      startTime: '2026-02-28T12:00:00Z',
      containerStatuses: [
        containerStatus('app', opts.waiting ? { waiting: opts.waiting } : { running: lastAt }, {
          restartCount: restarts,
          last: { reason: opts.reason ?? 'Error', exitCode: opts.exitCode ?? 137, finishedAt: lastAt },
        }),
      ],
    },
    ...(opts.owner
      ? { owner: { kind: 'ReplicaSet', name: rsName(opts.owner) }, labels: { app: opts.owner } }
      : {}),
  })
}

const containerEvent = (p: KubeObject, reason: string, message: string, container = 'app') => {
  const e = event(p, reason, message, {
    count: 7,
    at: '2026-03-01T11:40:00Z',
    name: `${p.metadata.name}.${reason}`,
  })
  ;(e.involvedObject as Record<string, unknown>).fieldPath = `spec.containers{${container}}`
  if (reason === 'Killing') e.type = 'Normal'
  return e
}

const api = restarting('api-7d9f8b6c5d-q8z2w', 12, '2026-03-01T11:40:00Z', { owner: 'api' })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a container that restarted four times (below the threshold)',
      now: NOW,
      objects: [restarting('web', 4, '2026-03-01T11:00:00Z')],
    },
    {
      name: 'does not fire on a container whose last restart was three days ago',
      now: NOW,
      objects: [restarting('web', 20, '2026-02-26T12:00:00Z')],
    },
    {
      name: 'does not fire on a container in CrashLoopBackOff now (container-crashloop reports it)',
      now: NOW,
      objects: [restarting('web', 30, '2026-03-01T11:55:00Z', { waiting: 'CrashLoopBackOff' })],
    },
    {
      name: 'does not fire on restarts caused by OOM kills (container-oomkilled reports them)',
      now: NOW,
      objects: [restarting('web', 8, '2026-03-01T11:00:00Z', { reason: 'OOMKilled' })],
    },
    {
      name: 'stays quiet with a higher restart threshold',
      now: NOW,
      params: { minRestarts: 20 },
      objects: [api],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment whose container its liveness probe keeps killing',
      now: NOW,
      objects: [
        ...deployment('api'),
        api,
        containerEvent(
          api,
          'Unhealthy',
          'Liveness probe failed: Get "http://10.0.3.4:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        ),
        containerEvent(api, 'Killing', 'Container app failed liveness probe, will be restarted'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'api' },
          messageId: 'probeKills',
          key: 'app',
          data: { container: 'app', restarts: 12, ago: '20m', probe: 'liveness' },
        },
      ],
    },
    {
      name: 'fires with the last exit when no probe kill is recorded',
      now: NOW,
      objects: [restarting('worker', 6, '2026-03-01T09:00:00Z', { exitCode: 2 })],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'worker' },
          messageId: 'restarts',
          key: 'app',
          data: { restarts: 6, ago: '3h', lastExit: 'Error, exit code 2' },
        },
      ],
    },
    {
      name: 'a probe kill of another container is not taken as the cause',
      now: NOW,
      objects: [
        restarting('web', 5, '2026-03-01T11:00:00Z'),
        containerEvent(
          restarting('web', 5, '2026-03-01T11:00:00Z'),
          'Killing',
          'Container sidecar failed liveness probe, will be restarted',
          'sidecar',
        ),
      ],
      findings: [
        { object: { kind: 'Pod', namespace: 'default', name: 'web' }, messageId: 'restarts', key: 'app' },
      ],
    },
    {
      name: 'a shorter window still catches a restart twenty minutes ago',
      now: NOW,
      params: { window: '1h' },
      objects: [api],
      findings: [
        { object: { kind: 'Pod', namespace: 'default', name: api.metadata.name }, messageId: 'restarts' },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: deployment('api') }],
})
