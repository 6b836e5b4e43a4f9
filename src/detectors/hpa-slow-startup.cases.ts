import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './hpa-slow-startup.js'
import { fxWorkload } from './lib/autoscaling.js'
import { hpa, pod, rsName } from './lib/fixtures.js'

// A pod of Deployment web that started at 10:00:00 and became Ready `after` seconds later.
function started(
  name: string,
  after: number | undefined,
  opts: { restarts?: number; startTime?: boolean } = {},
): KubeObject {
  const ready = new Date(Date.parse('2026-03-01T10:00:00Z') + (after ?? 0) * 1000)
    .toISOString()
    .replace('.000', '')
  return pod(name, {
    labels: { app: 'web' },
    owner: { kind: 'ReplicaSet', name: rsName('web') },
    status: {
      ...(opts.startTime === false ? {} : { startTime: '2026-03-01T10:00:00Z' }),
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-03-01T10:00:00Z' },
        after === undefined
          ? {
              type: 'Ready',
              status: 'False',
              reason: 'ContainersNotReady',
              lastTransitionTime: '2026-03-01T10:00:00Z',
            }
          : { type: 'Ready', status: 'True', lastTransitionTime: ready },
      ],
      containerStatuses: [
        { name: 'app', ready: after !== undefined, restartCount: opts.restarts ?? 0, state: { running: {} } },
      ],
    },
  })
}
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when pods are ready in 15 seconds',
      objects: [...fxWorkload('web'), hpa('web'), started('web-a', 15), started('web-b', 20)],
    },
    {
      name: 'does not fire at exactly the threshold (60s)',
      objects: [...fxWorkload('web'), hpa('web'), started('web-a', 60)],
    },
    {
      name: 'does not fire when one pod was slow but the median is fast',
      objects: [
        ...fxWorkload('web'),
        hpa('web'),
        started('web-a', 10),
        started('web-b', 12),
        started('web-c', 400),
      ],
    },
    {
      name: 'does not fire when no pod is ready yet (nothing measured)',
      objects: [...fxWorkload('web'), hpa('web'), started('web-a', undefined)],
    },
    {
      name: 'does not count a restarted pod, whose Ready time is its last restart',
      objects: [...fxWorkload('web'), hpa('web'), started('web-a', 3600, { restarts: 2 })],
    },
    {
      name: 'does not fire on slow pods of a workload without HPA',
      objects: [...fxWorkload('web'), ...fxWorkload('api'), hpa('api'), started('web-a', 300)],
    },
  ],
  invalid: [
    {
      name: 'fires when pods take about two minutes to become ready',
      objects: [
        ...fxWorkload('web'),
        hpa('web'),
        started('web-a', 110),
        started('web-b', 130),
        started('web-c', 125),
      ],
      findings: [
        {
          object: WEB,
          messageId: 'slow',
          data: { median: '2m5s', slowest: '2m10s', pods: 3, target: 'Deployment/web', hpa: 'web' },
        },
      ],
    },
    {
      name: 'finds the pods by label when ReplicaSets were not collected',
      objects: [(fxWorkload('web') as KubeObject[])[0]!, hpa('web'), started('web-a', 200)],
      findings: [{ object: WEB, messageId: 'slow', data: { median: '3m20s', pods: 1 } }],
    },
    {
      name: 'fires from PodScheduled when status.startTime is missing',
      objects: [...fxWorkload('web'), hpa('web'), started('web-a', 95, { startTime: false })],
      findings: [{ object: WEB, messageId: 'slow', data: { median: '1m35s', pods: 1 } }],
    },
    {
      name: 'fires on a shorter threshold when the parameter says so',
      params: { maxStartup: '10s' },
      objects: [...fxWorkload('web'), hpa('web'), started('web-a', 15), started('web-b', 20)],
      findings: [{ object: WEB, messageId: 'slow', data: { median: '17s' } }],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [...fxWorkload('web'), hpa('web')] }],
})
