import { defineCases } from '../detect/cases.js'
import detector from './container-oomkilled.js'
import { containerStatus, deployment, pod, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const withLimit = {
  containers: [
    {
      name: 'app',
      image: 'registry.example.com/app:1.0',
      resources: { requests: { memory: '256Mi' }, limits: { memory: '512Mi' } },
    },
  ],
}
const oomAt = (finishedAt: string) =>
  containerStatus(
    'app',
    { running: '2026-03-01T11:31:00Z' },
    { restartCount: 3, last: { reason: 'OOMKilled', exitCode: 137, finishedAt } },
  )

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a container that last stopped with an ordinary error',
      now: NOW,
      objects: [
        pod('p1', {
          spec: withLimit,
          status: {
            containerStatuses: [
              containerStatus(
                'app',
                { running: '2026-03-01T11:00:00Z' },
                { restartCount: 1, last: { reason: 'Error', exitCode: 1 } },
              ),
            ],
          },
        }),
      ],
    },
    {
      name: 'does not fire on an OOM kill from a month ago (the container has been fine since)',
      now: NOW,
      objects: [
        pod('p1', { spec: withLimit, status: { containerStatuses: [oomAt('2026-01-30T11:30:00Z')] } }),
      ],
    },
    {
      name: 'does not fire on exit code 137 without OOMKilled (a liveness probe kill)',
      now: NOW,
      objects: [
        pod('p1', {
          spec: withLimit,
          status: {
            containerStatuses: [
              containerStatus(
                'app',
                { running: '2026-03-01T11:00:00Z' },
                { restartCount: 1, last: { reason: 'Error', exitCode: 137 } },
              ),
            ],
          },
        }),
      ],
    },
    {
      name: 'does not fire on a kill just older than a one-hour maxAge',
      now: NOW,
      params: { maxAge: '1h' },
      objects: [
        pod('p1', { spec: withLimit, status: { containerStatuses: [oomAt('2026-03-01T10:59:00Z')] } }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a container OOM-killed half an hour ago and names its memory limit',
      now: NOW,
      objects: [
        pod('p1', { spec: withLimit, status: { containerStatuses: [oomAt('2026-03-01T11:30:00Z')] } }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'oomKilled',
          key: 'app',
          data: { container: 'app', limit: '512Mi', restarts: 3 },
        },
      ],
    },
    {
      name: 'fires on a job pod whose only run was OOM-killed',
      now: NOW,
      objects: [
        pod('job-1', {
          phase: 'Failed',
          spec: { ...withLimit, restartPolicy: 'Never' },
          status: {
            containerStatuses: [
              containerStatus('app', {
                terminated: 'OOMKilled',
                exitCode: 137,
                finishedAt: '2026-03-01T11:00:00Z',
              }),
            ],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'job-1' },
          messageId: 'oomKilled',
          data: { limit: '512Mi' },
        },
      ],
    },
    {
      name: 'fires with oomKilledNoLimit when the container has no memory limit',
      now: NOW,
      objects: [pod('p1', { status: { containerStatuses: [oomAt('2026-03-01T11:30:00Z')] } })],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'p1' },
          messageId: 'oomKilledNoLimit',
          data: { container: 'app' },
        },
      ],
    },
    {
      name: 'fires on the Deployment whose pods are OOM-killed',
      now: NOW,
      objects: [
        ...deployment('web'),
        pod('web-7d9f8b6c5d-a', {
          owner: { kind: 'ReplicaSet', name: rsName('web') },
          labels: { app: 'web' },
          spec: withLimit,
          status: { containerStatuses: [oomAt('2026-03-01T10:00:00Z')] },
        }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'oomKilled',
          key: 'app',
        },
      ],
    },
    {
      name: 'a shorter maxAge still catches a recent kill',
      now: NOW,
      params: { maxAge: '1h' },
      objects: [
        pod('p1', { spec: withLimit, status: { containerStatuses: [oomAt('2026-03-01T11:30:00Z')] } }),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'p1' }, messageId: 'oomKilled' }],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: deployment('web') }],
})
