import type { TestCluster } from '../cluster/cluster.js'

// Known problems seeded into a real API server with kubectl (status through the status subresource),
// for live-scan integration tests: each is found by one built-in detector.

const ago = (min: number) => new Date(Date.now() - min * 60_000).toISOString().replace(/\.\d+Z$/, 'Z')

/** A node NotReady for 20 minutes (node-not-ready), beside one that is Ready. */
export async function seedNotReadyNode(c: TestCluster, name = 'n1', healthy = 'n2'): Promise<void> {
  for (const [node, ready, reason, since] of [
    [name, 'False', 'KubeletNotReady', ago(20)],
    [healthy, 'True', 'KubeletReady', ago(600)],
  ] as const) {
    await c.kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: node, labels: { 'kubernetes.io/hostname': node } },
      }),
    })
    const status = {
      status: {
        conditions: [
          {
            type: 'Ready',
            status: ready,
            reason,
            message: reason,
            lastHeartbeatTime: ago(1),
            lastTransitionTime: since,
          },
        ],
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
        capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      },
    }
    await c.kubectl([
      'patch',
      'node',
      node,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
    ])
  }
}

/**
 * A node that went NotReady and back three times in the last 12 minutes (node-readiness-flapping):
 * Ready now, with the kubelet's NodeNotReady and NodeReady events (type Normal, each aggregated
 * with a count of 3) in `default`, where the kubelet records a node's events.
 */
export async function seedFlappingNode(c: TestCluster, name = 'n3'): Promise<void> {
  await c.kubectl(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    }),
  })
  const ready = {
    type: 'Ready',
    status: 'True',
    reason: 'KubeletReady',
    message: 'kubelet is posting ready status',
    lastHeartbeatTime: ago(0.5),
    lastTransitionTime: ago(2),
  }
  const capacity = { cpu: '4', memory: '16Gi', pods: '110' }
  await c.kubectl([
    'patch',
    'node',
    name,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { conditions: [ready], allocatable: capacity, capacity } }),
  ])
  const events = (
    [
      ['NodeNotReady', 12, 3],
      ['NodeReady', 11, 2],
    ] as const
  ).map(([reason, first, last], i) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.flap${i}`, namespace: 'default' },
    involvedObject: { kind: 'Node', name, uid: name },
    reason,
    message: `Node ${name} status is now: ${reason}`,
    source: { component: 'kubelet', host: name },
    firstTimestamp: ago(first),
    lastTimestamp: ago(last),
    count: 3,
    type: 'Normal',
    reportingComponent: 'kubelet',
    reportingInstance: name,
  }))
  await c.kubectl(['create', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: events }),
  })
}

/** A Deployment whose pods cannot be created: the quota is used up (deployment-replica-failure). */
export async function seedReplicaFailure(
  c: TestCluster,
  namespace = 'payments',
  name = 'ledger',
): Promise<void> {
  await c.kubectl(['create', 'namespace', namespace])
  await c.kubectl([
    'create',
    'deployment',
    name,
    '-n',
    namespace,
    '--image=registry.example.com/ledger:7.3.1',
    '--replicas=3',
  ])
  const status = {
    status: {
      observedGeneration: 1,
      replicas: 0,
      conditions: [
        {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
          lastTransitionTime: ago(30),
          lastUpdateTime: ago(30),
        },
        {
          type: 'ReplicaFailure',
          status: 'True',
          reason: 'FailedCreate',
          message: `pods "${name}-5c9d8f7b6-q2w3e" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2`,
          lastTransitionTime: ago(30),
          lastUpdateTime: ago(30),
        },
      ],
    },
  }
  await c.kubectl([
    'patch',
    'deployment',
    name,
    '-n',
    namespace,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify(status),
  ])
}

/** A kubeconfig for the cluster that authenticates with `token` instead of the admin token. */
export function withToken(kubeconfigYaml: Record<string, unknown>, token: string): Record<string, unknown> {
  const cfg = structuredClone(kubeconfigYaml) as { users: { user: unknown }[] }
  for (const u of cfg.users) u.user = { token }
  return cfg as unknown as Record<string, unknown>
}
