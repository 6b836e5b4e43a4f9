import type { KubeObject } from '../../core/types.js'

/** Condition shorthand for fixtures: `[status, reason, lastTransitionTime, message?]`. */
export type CondSpec = [string, string?, string?, string?]

function conds(spec: Record<string, CondSpec>): Record<string, unknown>[] {
  return Object.entries(spec).map(([type, [status, reason, t, message]]) => ({
    type,
    status,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastTransitionTime: t ?? '2026-01-01T00:00:00Z',
  }))
}

/** A Node for test cases: Ready by default; pass conditions to override. */
export function node(
  name: string,
  conditions: Record<string, CondSpec> = {},
  extra: Partial<KubeObject> = {},
): KubeObject {
  const base: Record<string, CondSpec> = {
    MemoryPressure: ['False', 'KubeletHasSufficientMemory'],
    DiskPressure: ['False', 'KubeletHasNoDiskPressure'],
    PIDPressure: ['False', 'KubeletHasSufficientPID'],
    Ready: ['True', 'KubeletReady'],
    ...conditions,
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-node-${name}`,
      labels: { 'kubernetes.io/hostname': name },
      creationTimestamp: '2025-12-01T00:00:00Z',
    },
    spec: {},
    status: {
      conditions: conds(base),
      allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      nodeInfo: { kubeletVersion: 'v1.30.4' },
    },
    ...extra,
  }
}

/** A Pod for test cases. */
export function pod(
  name: string,
  opts: {
    namespace?: string
    labels?: Record<string, string>
    owner?: { kind: string; name: string; apiVersion?: string }
    phase?: string
    spec?: Record<string, unknown>
    status?: Record<string, unknown>
    created?: string
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-pod-${ns}-${name}`,
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
      labels: opts.labels ?? { app: name },
      ...(opts.owner
        ? {
            ownerReferences: [
              {
                apiVersion: opts.owner.apiVersion ?? 'apps/v1',
                kind: opts.owner.kind,
                name: opts.owner.name,
                uid: `uid-${opts.owner.kind.toLowerCase()}-${ns}-${opts.owner.name}`,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: opts.spec ?? { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
    status: { phase: opts.phase ?? 'Running', ...(opts.status ?? {}) },
  }
}

/** A Deployment and its ReplicaSet, with uids wired so pods can roll up to them. */
export function deployment(
  name: string,
  opts: {
    namespace?: string
    replicas?: number
    status?: Record<string, unknown>
    spec?: Record<string, unknown>
  } = {},
): KubeObject[] {
  const ns = opts.namespace ?? 'default'
  const rs = `${name}-7d9f8b6c5d`
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: ns,
        uid: `uid-deployment-${ns}-${name}`,
        generation: 1,
        creationTimestamp: '2026-01-01T00:00:00Z',
      },
      spec: {
        replicas: opts.replicas ?? 2,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
        },
        ...(opts.spec ?? {}),
      },
      status: opts.status ?? {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        updatedReplicas: 2,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rs,
        namespace: ns,
        uid: `uid-replicaset-${ns}-${rs}`,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name,
            uid: `uid-deployment-${ns}-${name}`,
            controller: true,
          },
        ],
      },
      spec: { replicas: opts.replicas ?? 2, selector: { matchLabels: { app: name } } },
      status: { replicas: 2 },
    },
  ]
}

/** The name of the ReplicaSet that {@link deployment} creates. */
export function rsName(deploymentName: string): string {
  return `${deploymentName}-7d9f8b6c5d`
}

/** Conditions for fixtures from the shorthand (`{ Ready: ['False', 'Reason', time, message] }`). */
export function conditionList(spec: Record<string, CondSpec>): Record<string, unknown>[] {
  return conds(spec)
}

/** A container status for fixtures: `waiting`, `running` or `terminated`, with an optional last termination. */
export function containerStatus(
  name: string,
  state:
    | { waiting: string; message?: string }
    | { running: string }
    | { terminated: string; exitCode?: number; finishedAt?: string; startedAt?: string },
  opts: {
    restartCount?: number
    image?: string
    ready?: boolean
    started?: boolean
    last?: { reason: string; exitCode?: number; finishedAt?: string; startedAt?: string }
  } = {},
): Record<string, unknown> {
  let st: Record<string, unknown>
  if ('waiting' in state)
    st = { waiting: { reason: state.waiting, ...(state.message ? { message: state.message } : {}) } }
  else if ('running' in state) st = { running: { startedAt: state.running } }
  else
    st = {
      terminated: {
        reason: state.terminated,
        exitCode: state.exitCode ?? (state.terminated === 'Completed' ? 0 : 1),
        startedAt: state.startedAt ?? '2026-01-01T00:00:00Z',
        finishedAt: state.finishedAt ?? '2026-01-01T00:01:00Z',
      },
    }
  const last = opts.last
  return {
    name,
    image: opts.image ?? 'registry.example.com/app:1.0',
    ready: opts.ready ?? 'running' in state,
    started: opts.started ?? 'running' in state,
    restartCount: opts.restartCount ?? 0,
    state: st,
    lastState: last
      ? {
          terminated: {
            reason: last.reason,
            exitCode: last.exitCode ?? 1,
            startedAt: last.startedAt ?? '2026-01-01T00:00:00Z',
            finishedAt: last.finishedAt ?? '2026-01-01T00:01:00Z',
          },
        }
      : {},
  }
}

/**
 * A core v1 Event about an object, as the kubelet and controllers record it: events about a
 * cluster-scoped object (a Node) live in namespace `default`, and the kubelet uses the node's name as uid.
 */
export function event(
  about: KubeObject,
  reason: string,
  message: string,
  opts: { type?: 'Normal' | 'Warning'; count?: number; at?: string; name?: string } = {},
): KubeObject {
  const m = about.metadata
  const isNode = about.kind === 'Node'
  const ns = m.namespace ?? 'default'
  const at = opts.at ?? '2026-01-01T00:00:00Z'
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: opts.name ?? `${m.name}.${reason.toLowerCase()}`,
      namespace: ns,
      creationTimestamp: at,
    },
    involvedObject: {
      apiVersion: about.apiVersion,
      kind: about.kind,
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      uid: isNode ? m.name : m.uid,
    },
    reason,
    message,
    type: opts.type ?? 'Warning',
    count: opts.count ?? 1,
    firstTimestamp: at,
    lastTimestamp: at,
  }
}

/** A HorizontalPodAutoscaler (autoscaling/v2) for test cases; CPU utilization at 80% unless `metrics` says otherwise. */
export function hpa(
  name: string,
  opts: {
    namespace?: string
    target?: { kind: string; name: string; apiVersion?: string }
    metrics?: Record<string, unknown>[]
    minReplicas?: number
    maxReplicas?: number
    status?: Record<string, unknown>
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const target = opts.target ?? { kind: 'Deployment', name }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-hpa-${ns}-${name}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: {
      scaleTargetRef: { apiVersion: target.apiVersion ?? 'apps/v1', kind: target.kind, name: target.name },
      minReplicas: opts.minReplicas ?? 2,
      maxReplicas: opts.maxReplicas ?? 10,
      metrics: opts.metrics ?? [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    },
    ...(opts.status ? { status: opts.status } : {}),
  }
}

/** A StatefulSet for test cases, with the same pod template as {@link deployment}. */
export function statefulSet(
  name: string,
  opts: { namespace?: string; replicas?: number; spec?: Record<string, unknown> } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-statefulset-${ns}-${name}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: {
      replicas: opts.replicas ?? 2,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
      },
      ...(opts.spec ?? {}),
    },
  }
}

/** A ResourceQuota with its hard limits and current usage. */
export function resourceQuota(
  name: string,
  hard: Record<string, string>,
  used: Record<string, string>,
  namespace = 'default',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace, uid: `uid-resourcequota-${namespace}-${name}` },
    spec: { hard },
    status: { hard, used },
  }
}

/** An APIService (aggregated API, such as `v1beta1.metrics.k8s.io`), Available or not. */
export function apiService(name: string, available: CondSpec): KubeObject {
  const [version, ...group] = name.split('.')
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name, uid: `uid-apiservice-${name}` },
    spec: {
      group: group.join('.'),
      version,
      service: { namespace: 'kube-system', name: 'metrics-server', port: 443 },
    },
    status: { conditions: conds({ Available: available }) },
  }
}
