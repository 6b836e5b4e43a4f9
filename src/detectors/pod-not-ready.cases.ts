import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './pod-not-ready.js'
import { conditionList, containerStatus, deployment, event, node, pod, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

/** A Running pod on n1 whose Ready condition went False at `since`. */
function notReady(
  name: string,
  since: string,
  opts: {
    owner?: string
    container?: Record<string, unknown>
    gates?: string[]
    extraConditions?: Record<string, [string, string?, string?]>
    readyReason?: string
    phase?: string
  } = {},
): KubeObject {
  return pod(name, {
    phase: opts.phase ?? 'Running',
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }],
      ...(opts.gates ? { readinessGates: opts.gates.map((conditionType) => ({ conditionType })) } : {}),
    },
    status: {
      conditions: conditionList({
        PodScheduled: ['True'],
        Initialized: ['True'],
        ContainersReady: opts.container ? ['True'] : ['False', 'ContainersNotReady', since],
        Ready: ['False', opts.readyReason ?? 'ContainersNotReady', since],
        ...(opts.extraConditions ?? {}),
      }),
      containerStatuses: [
        opts.container ??
          containerStatus('app', { running: '2026-03-01T09:00:00Z' }, { ready: false, started: true }),
      ],
    },
    ...(opts.owner
      ? { owner: { kind: 'ReplicaSet', name: rsName(opts.owner) }, labels: { app: opts.owner } }
      : {}),
  })
}

const probeEvent = (p: KubeObject, message: string, at = '2026-03-01T11:59:30Z') => {
  const e = event(p, 'Unhealthy', message, { count: 120, at })
  ;(e.involvedObject as Record<string, unknown>).fieldPath = 'spec.containers{app}'
  return e
}

const web = notReady('web-7d9f8b6c5d-abcde', '2026-03-01T11:20:00Z', { owner: 'web' })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a ready pod',
      now: NOW,
      objects: [
        node('n1'),
        pod('web', {
          spec: { nodeName: 'n1', containers: [{ name: 'app' }] },
          status: { conditions: conditionList({ Ready: ['True'], ContainersReady: ['True'] }) },
        }),
      ],
    },
    {
      name: 'does not fire yet on a pod not ready for ten minutes',
      now: NOW,
      objects: [notReady('web', '2026-03-01T11:50:00Z'), node('n1')],
    },
    {
      name: 'does not fire on a crash-looping pod (container-crashloop reports it)',
      now: NOW,
      objects: [
        notReady('web', '2026-03-01T10:00:00Z', {
          container: containerStatus('app', { waiting: 'CrashLoopBackOff' }, { restartCount: 9 }),
        }),
      ],
    },
    {
      name: 'does not fire on a completed pod',
      now: NOW,
      objects: [
        notReady('migrate', '2026-03-01T10:00:00Z', { readyReason: 'PodCompleted', phase: 'Succeeded' }),
      ],
    },
    {
      name: 'does not fire on a pending pod (other detectors cover pods that never started)',
      now: NOW,
      objects: [notReady('web', '2026-03-01T10:00:00Z', { phase: 'Pending' })],
    },
    {
      name: 'stays quiet with a longer threshold',
      now: NOW,
      params: { minDuration: '1h' },
      objects: [web, probeEvent(web, 'Readiness probe failed: HTTP probe failed with statuscode: 503')],
    },
    {
      name: 'does not fire on a pod not ready because its node is down (node-not-ready reports the node)',
      now: NOW,
      objects: [
        notReady('web', '2026-03-01T11:00:00Z', { readyReason: 'NodeNotReady' }),
        node('n1', { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T10:59:00Z'] }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment whose pod fails its readiness probe for 40 minutes',
      now: NOW,
      objects: [
        ...deployment('web'),
        node('n1'),
        web,
        probeEvent(web, 'Readiness probe failed: HTTP probe failed with statuscode: 503'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'probe',
          data: {
            for: '40m',
            probe: 'readiness',
            container: 'app',
            detail: 'HTTP probe failed with statuscode: 503',
          },
        },
      ],
    },
    {
      name: 'fires with the startup probe named when the container never finished starting',
      now: NOW,
      objects: [
        notReady('api', '2026-03-01T11:00:00Z', {
          container: containerStatus(
            'app',
            { running: '2026-03-01T11:00:00Z' },
            { ready: false, started: false },
          ),
        }),
        probeEvent(
          notReady('api', '2026-03-01T11:00:00Z'),
          'Startup probe failed: Get "http://10.0.1.7:8080/healthz": dial tcp 10.0.1.7:8080: connect: connection refused',
        ),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'api' },
          messageId: 'probe',
          data: { probe: 'startup', container: 'app' },
        },
      ],
    },
    {
      name: 'fires on an unmet readiness gate when the containers are ready',
      now: NOW,
      objects: [
        notReady('web', '2026-03-01T11:00:00Z', {
          readyReason: 'ReadinessGatesNotReady',
          gates: ['target-health.elbv2.k8s.aws/k8s-default-web-0a1b2c3d4e'],
          container: containerStatus('app', { running: '2026-03-01T10:00:00Z' }, { ready: true }),
          extraConditions: {
            'target-health.elbv2.k8s.aws/k8s-default-web-0a1b2c3d4e': ['False', 'Elb.RegistrationInProgress'],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'web' },
          messageId: 'readinessGate',
          data: { gate: 'target-health.elbv2.k8s.aws/k8s-default-web-0a1b2c3d4e' },
        },
      ],
    },
    {
      name: 'fires without a cause when events have expired',
      now: NOW,
      collected: ['v1/Event'],
      objects: [notReady('web', '2026-03-01T09:00:00Z'), node('n1')],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'web' },
          messageId: 'containers',
          data: { for: '3h', containers: 'app' },
        },
      ],
    },
    {
      name: 'a liveness probe failure is not taken for the readiness cause',
      now: NOW,
      objects: [
        notReady('web', '2026-03-01T11:00:00Z'),
        probeEvent(notReady('web', '2026-03-01T11:00:00Z'), 'Liveness probe failed: timeout'),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'web' }, messageId: 'containers' }],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [node('n1')] }],
})
