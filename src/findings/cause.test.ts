import { describe, expect, it } from 'vitest'
import { configureDetectors } from '../config/config.js'
import type { Finding, KubeObject } from '../core/types.js'
import { runDetectors } from '../detect/engine.js'
import { loadBuiltinDetectors } from '../detect/registry.js'
import {
  apiService,
  conditionList,
  containerStatus,
  deployment,
  event,
  hpa,
  node,
  pod,
  resourceQuota,
  rsName,
} from '../detectors/lib/fixtures.js'
import { cronJob, job, service } from '../detectors/lib/pods-workloads.js'
import { SnapshotBuilder, type Snapshot } from '../snapshot/snapshot.js'
import { causeOf, fleetKeyOf, normalizeImage, objectLabelsOf, registryOf } from './cause.js'

// Real detectors over snapshots built from fixtures, then causeOf on what they found: the rules are
// tested on the findings the library really produces, not on hand-made ones.
const detectors = configureDetectors(await loadBuiltinDetectors(), {})
const NOW = new Date('2026-01-01T12:00:00Z')

function scanObjects(cluster: string, objects: KubeObject[]): { snapshot: Snapshot; findings: Finding[] } {
  const b = new SnapshotBuilder(cluster)
  for (const o of objects) b.add(structuredClone(o))
  const snapshot = b.build({ now: NOW })
  const result = runDetectors(snapshot, detectors)
  expect(result.errors).toEqual([])
  return { snapshot, findings: result.findings }
}

function finding(findings: Finding[], detector: string, name: string): Finding {
  const f = findings.find((x) => x.detector === detector && x.object.name === name)
  if (!f)
    throw new Error(
      `no ${detector} finding on ${name}; found: ${findings.map((x) => `${x.detector} ${x.object.kind}/${x.object.name}`).join(', ')}`,
    )
  return f
}

/** A Deployment (with its ReplicaSet) whose pods are given, in namespace `ns`. */
function workload(
  name: string,
  ns: string,
  pods: { name: string; node?: string; status: Record<string, unknown>; deleting?: string }[],
  status?: Record<string, unknown>,
): KubeObject[] {
  const objs = deployment(name, { namespace: ns, replicas: pods.length, ...(status ? { status } : {}) })
  for (const p of pods) {
    const o = pod(p.name, {
      namespace: ns,
      labels: { app: name, team: 'shop' },
      owner: { kind: 'ReplicaSet', name: rsName(name) },
      spec: {
        ...(p.node ? { nodeName: p.node } : {}),
        containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }],
      },
      status: p.status,
    })
    if (p.deleting) o.metadata.deletionTimestamp = p.deleting
    objs.push(o)
  }
  return objs
}

const unavailable = (n: number) => ({
  observedGeneration: 1,
  replicas: n,
  readyReplicas: 0,
  availableReplicas: 0,
  updatedReplicas: n,
  unavailableReplicas: n,
  conditions: conditionList({
    Available: ['False', 'MinimumReplicasUnavailable', '2026-01-01T10:05:00Z'],
    Progressing: ['True', 'NewReplicaSetAvailable', '2025-12-20T00:00:00Z'],
  }),
})

const notReadyPod = {
  phase: 'Running',
  conditions: conditionList({
    Ready: ['False', 'ContainersNotReady', '2026-01-01T10:05:00Z'],
    PodScheduled: ['True', undefined, '2025-12-20T00:00:00Z'],
  }),
  containerStatuses: [containerStatus('app', { running: '2025-12-20T00:00:00Z' }, { ready: false })],
}

const crashingPod = {
  phase: 'Running',
  conditions: conditionList({ Ready: ['False', 'ContainersNotReady', '2026-01-01T10:05:00Z'] }),
  containerStatuses: [
    containerStatus(
      'app',
      { waiting: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
      { restartCount: 30, last: { reason: 'Error', exitCode: 1, finishedAt: '2026-01-01T11:55:00Z' } },
    ),
  ],
}

function unreachableNode(name: string): KubeObject {
  const n = node(name, { Ready: ['Unknown', 'NodeStatusUnknown', '2026-01-01T10:00:00Z'] })
  n.spec = {
    taints: [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T10:00:05Z' },
    ],
  }
  return n
}

describe('causeOf: the owner graph', () => {
  const { snapshot, findings } = scanObjects('prod', [
    node('node-1'),
    ...workload(
      'api',
      'shop',
      [
        { name: 'api-a', node: 'node-1', status: crashingPod },
        { name: 'api-b', node: 'node-1', status: crashingPod },
      ],
      unavailable(2),
    ),
    cronJob('nightly', '0 2 * * *', { namespace: 'shop' }),
    job('nightly-29377440', {
      namespace: 'shop',
      owner: 'nightly',
      created: '2026-01-01T02:00:00Z',
      status: {
        failed: 7,
        conditions: conditionList({
          Failed: [
            'True',
            'BackoffLimitExceeded',
            '2026-01-01T02:41:00Z',
            'Job has reached the specified backoff limit',
          ],
        }),
      },
    }),
  ])

  it('gives every finding about a Deployment and its pods the Deployment as cause', () => {
    const crash = finding(findings, 'container-crashloop', 'api')
    const short = finding(findings, 'deployment-replicas-unavailable', 'api')
    expect(crash.evidence.pods).toEqual(['api-a', 'api-b'])
    const causes = [causeOf(crash, snapshot), causeOf(short, snapshot)]
    for (const c of causes)
      expect(c).toMatchObject({
        key: 'Deployment/shop/api',
        kind: 'Deployment',
        namespace: 'shop',
        name: 'api',
      })
    // Pods on a healthy node are the workload's own problem, not the node's.
    expect(causes.map((c) => c.rule)).not.toContain('node')
  })

  it('gives a failed Job the CronJob that created it as cause', () => {
    const c = causeOf(finding(findings, 'job-failed', 'nightly-29377440'), snapshot)
    expect(c).toMatchObject({ key: 'CronJob/shop/nightly', rule: 'owner', reason: 'CronJob shop/nightly' })
  })

  it('gives a pod finding that names a pod outright its root owner', () => {
    const raw: Finding = { ...finding(findings, 'container-crashloop', 'api') }
    raw.object = { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'api-a' }
    raw.evidence = {}
    expect(causeOf(raw, snapshot)).toMatchObject({ key: 'Deployment/shop/api', rule: 'owner' })
  })

  it('keeps an object the snapshot does not hold as its own cause', () => {
    const ghost: Finding = { ...finding(findings, 'container-crashloop', 'api') }
    ghost.object = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'gone' }
    expect(causeOf(ghost, snapshot)).toMatchObject({ key: 'Deployment/shop/gone', rule: 'object' })
  })
})

describe('causeOf: pods on a broken node', () => {
  const objects = [
    node('node-1'),
    unreachableNode('node-3'),
    ...workload(
      'web',
      'shop',
      [
        { name: 'web-a', node: 'node-3', status: notReadyPod },
        { name: 'web-b', node: 'node-3', status: notReadyPod, deleting: '2026-01-01T10:10:00Z' },
      ],
      unavailable(2),
    ),
    // Half on the broken node, half crashing on a healthy one: the workload has its own problem.
    ...workload(
      'mixed',
      'shop',
      [
        { name: 'mixed-a', node: 'node-3', status: notReadyPod },
        { name: 'mixed-b', node: 'node-1', status: crashingPod },
      ],
      unavailable(2),
    ),
  ]
  const { snapshot, findings } = scanObjects('prod', objects)

  it('gives the node and the workloads whose pods it holds one cause: the node', () => {
    const fs = [
      finding(findings, 'node-not-ready', 'node-3'),
      finding(findings, 'node-unreachable', 'node-3'),
      finding(findings, 'deployment-replicas-unavailable', 'web'),
      finding(findings, 'pod-stuck-terminating', 'web'),
    ]
    const causes = fs.map((f) => causeOf(f, snapshot))
    for (const c of causes)
      expect(c).toMatchObject({
        key: 'Node//node-3',
        kind: 'Node',
        name: 'node-3',
        reason: 'node node-3 is NotReady (its kubelet stopped reporting)',
      })
    expect(causes[0]!.namespace).toBeUndefined()
    expect(causes.slice(2).map((c) => c.rule)).toEqual(['node', 'node'])
  })

  it('does not blame the node when some of the failing pods run on a healthy one', () => {
    expect(causeOf(finding(findings, 'deployment-replicas-unavailable', 'mixed'), snapshot)).toMatchObject({
      key: 'Deployment/shop/mixed',
    })
  })

  it('blames a node under memory pressure for the pods not ready on it', () => {
    const pressured = node('node-2', {
      MemoryPressure: ['True', 'KubeletHasInsufficientMemory', '2026-01-01T09:00:00Z'],
    })
    const s = scanObjects('prod', [
      pressured,
      ...workload('cache', 'shop', [{ name: 'cache-a', node: 'node-2', status: notReadyPod }]),
    ])
    const notReady = finding(s.findings, 'pod-not-ready', 'cache')
    expect(causeOf(notReady, s.snapshot)).toMatchObject({
      key: 'Node//node-2',
      rule: 'node',
      reason: 'node node-2 is under memory pressure',
    })
    expect(causeOf(finding(s.findings, 'node-memory-pressure', 'node-2'), s.snapshot).key).toBe(
      'Node//node-2',
    )
  })

  it('blames the broken node for pods the scheduler keeps off it, but not for pods that lack room', () => {
    const pending = (message: string) => ({
      phase: 'Pending',
      conditions: conditionList({
        PodScheduled: ['False', 'Unschedulable', '2026-01-01T10:30:00Z', message],
      }),
    })
    const s = scanObjects('prod', [
      node('node-1'),
      unreachableNode('node-3'),
      ...workload('queue', 'shop', [
        {
          name: 'queue-a',
          status: pending(
            "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) didn't match Pod's node affinity/selector.",
          ),
        },
      ]),
      ...workload('big', 'shop', [
        { name: 'big-a', status: pending('0/2 nodes are available: 2 Insufficient cpu.') },
      ]),
    ])
    expect(causeOf(finding(s.findings, 'pod-unschedulable', 'queue'), s.snapshot)).toMatchObject({
      key: 'Node//node-3',
      rule: 'node',
    })
    expect(causeOf(finding(s.findings, 'pod-unschedulable', 'big'), s.snapshot).key).toBe(
      'Deployment/shop/big',
    )
  })

  it("gives a Service without endpoints the workload behind it, and that workload's node", () => {
    // Live Services (with status) whose Endpoints hold no ready address.
    const live = (name: string, ip: string): KubeObject[] => [
      { ...service(name, { namespace: 'shop', clusterIP: ip }), status: { loadBalancer: {} } },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'shop' }, subsets: [] },
    ]
    const s = scanObjects('prod', [
      ...objects,
      ...live('web', '10.0.0.10'),
      ...live('api', '10.0.0.11'),
      ...workload('api', 'shop', [{ name: 'api-a', node: 'node-1', status: crashingPod }], unavailable(1)),
    ])
    expect(causeOf(finding(s.findings, 'service-no-endpoints', 'web'), s.snapshot)).toMatchObject({
      key: 'Node//node-3',
      rule: 'node',
    })
    expect(causeOf(finding(s.findings, 'service-no-endpoints', 'api'), s.snapshot)).toMatchObject({
      key: 'Deployment/shop/api',
      rule: 'service',
    })
  })
})

describe('causeOf: a used-up ResourceQuota', () => {
  const refused = (name: string, ns: string, message: string): KubeObject[] =>
    deployment(name, {
      namespace: ns,
      replicas: 3,
      status: {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        updatedReplicas: 2,
        conditions: conditionList({
          ReplicaFailure: ['True', 'FailedCreate', '2026-01-01T11:00:00Z', message],
        }),
      },
    })
  const exceeded = (pod: string) =>
    `pods "${pod}" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2`
  const objects = [
    resourceQuota('compute', { pods: '2' }, { pods: '2' }, 'team-a'),
    ...refused('batch', 'team-a', exceeded('batch-x1')),
    // Same namespace, refused by a webhook: the quota is not its cause.
    ...refused('web', 'team-a', 'admission webhook "policy.example.com" denied the request: no'),
    // Refused by a quota that has room again: history, not a cause.
    resourceQuota('compute', { pods: '10' }, { pods: '4' }, 'team-c'),
    ...refused('late', 'team-c', exceeded('late-x1')),
  ]
  const { snapshot, findings } = scanObjects('staging', objects)

  it('gives the refused workload and the quota one cause: the quota', () => {
    const fs = [
      finding(findings, 'deployment-replica-failure', 'batch'),
      finding(findings, 'quota-exhausted', 'compute'),
    ]
    for (const f of fs)
      expect(causeOf(f, snapshot)).toMatchObject({
        key: 'ResourceQuota/team-a/compute',
        kind: 'ResourceQuota',
        namespace: 'team-a',
        name: 'compute',
        reason: 'ResourceQuota compute in namespace team-a is used up (pods 2 of 2)',
      })
    expect(causeOf(fs[0]!, snapshot).rule).toBe('quota')
  })

  it('keeps a refusal for another reason, or by a quota with room again, on the workload', () => {
    expect(causeOf(finding(findings, 'deployment-replica-failure', 'web'), snapshot).key).toBe(
      'Deployment/team-a/web',
    )
    expect(causeOf(finding(findings, 'deployment-replica-failure', 'late'), snapshot).key).toBe(
      'Deployment/team-c/late',
    )
  })

  it('reads the refusal from FailedCreate events of the ReplicaSet when the Deployment has no condition yet', () => {
    const [dep, rs] = deployment('worker', { namespace: 'team-a', replicas: 2 }) as [KubeObject, KubeObject]
    rs.status = {
      replicas: 0,
      conditions: conditionList({
        ReplicaFailure: ['True', 'FailedCreate', '2026-01-01T11:00:00Z', exceeded('w-1')],
      }),
    }
    const s = scanObjects('staging', [
      resourceQuota('compute', { pods: '2' }, { pods: '2' }, 'team-a'),
      dep,
      rs,
      event(rs, 'FailedCreate', `Error creating: ${exceeded('w-2')}`, { at: '2026-01-01T11:30:00Z' }),
    ])
    expect(causeOf(finding(s.findings, 'deployment-replica-failure', 'worker'), s.snapshot)).toMatchObject({
      key: 'ResourceQuota/team-a/compute',
      rule: 'quota',
    })
  })

  it('trusts the refusal when quotas were not collected', () => {
    const s = scanObjects('staging', refused('batch', 'team-a', exceeded('batch-x1')))
    expect(causeOf(finding(s.findings, 'deployment-replica-failure', 'batch'), s.snapshot)).toMatchObject({
      key: 'ResourceQuota/team-a/compute',
      reason: 'ResourceQuota compute in namespace team-a refuses new pods (exceeded quota)',
    })
  })
})

describe('causeOf: an unavailable metrics APIService', () => {
  const blind = (name: string, ns: string, reason: string, metrics?: Record<string, unknown>[]) => [
    ...deployment(name, { namespace: ns }),
    hpa(name, {
      namespace: ns,
      ...(metrics ? { metrics } : {}),
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        conditions: conditionList({
          AbleToScale: ['True', 'SucceededGetScale', '2026-01-01T00:00:00Z'],
          ScalingActive: [
            'False',
            reason,
            '2026-01-01T10:00:00Z',
            'the HPA was unable to compute the replica count',
          ],
        }),
      },
    }),
  ]
  const external = [
    { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '10' } } },
  ]
  const { snapshot, findings } = scanObjects('staging', [
    apiService('v1beta1.metrics.k8s.io', ['False', 'MissingEndpoints', '2026-01-01T09:00:00Z']),
    ...blind('search', 'catalog', 'FailedGetResourceMetric'),
    ...blind('cart', 'shop', 'FailedGetResourceMetric'),
    ...blind('ingest', 'shop', 'FailedGetExternalMetric', external),
  ])

  it('gives every HPA without metrics and the APIService one cause: the APIService', () => {
    const fs = [
      finding(findings, 'hpa-metrics-unavailable', 'search'),
      finding(findings, 'hpa-metrics-unavailable', 'cart'),
      finding(findings, 'apiservice-unavailable', 'v1beta1.metrics.k8s.io'),
    ]
    for (const f of fs)
      expect(causeOf(f, snapshot)).toMatchObject({
        key: 'APIService//v1beta1.metrics.k8s.io',
        kind: 'APIService',
        reason: 'APIService v1beta1.metrics.k8s.io is unavailable (MissingEndpoints)',
      })
    expect(causeOf(fs[0]!, snapshot).rule).toBe('apiservice')
  })

  it('names the missing external metrics API as the cause of HPAs that need it', () => {
    expect(causeOf(finding(findings, 'hpa-metrics-unavailable', 'ingest'), snapshot)).toMatchObject({
      key: 'APIService//v1beta1.external.metrics.k8s.io',
      reason: 'APIService v1beta1.external.metrics.k8s.io is not installed',
    })
  })

  it('keeps an HPA on its own when the metrics API is available', () => {
    const s = scanObjects('staging', [
      apiService('v1beta1.metrics.k8s.io', ['True', 'Passed', '2026-01-01T09:00:00Z']),
      ...blind('search', 'catalog', 'FailedGetResourceMetric'),
    ])
    expect(causeOf(finding(s.findings, 'hpa-metrics-unavailable', 'search'), s.snapshot)).toMatchObject({
      key: 'HorizontalPodAutoscaler/catalog/search',
      rule: 'object',
    })
  })
})

describe('causeOf: cluster-level findings', () => {
  it('gives a Cluster finding the cluster as cause', () => {
    const n = node('node-old')
    n.status.nodeInfo.kubeletVersion = 'v1.27.3'
    const { snapshot, findings } = scanObjects('prod-eu-1', [node('node-1'), n])
    expect(causeOf(finding(findings, 'node-version-skew', 'prod-eu-1'), snapshot)).toEqual({
      key: 'Cluster//prod-eu-1',
      kind: 'Cluster',
      name: 'prod-eu-1',
      reason: 'cluster prod-eu-1',
      rule: 'cluster',
    })
  })
})

describe('fleetKeyOf', () => {
  const skewed = (cluster: string, old: string) => {
    const n = node(`${cluster}-old`)
    n.status.nodeInfo.kubeletVersion = old
    return n
  }
  const pulling = (image: string, message: string) => {
    const objs = deployment('cart', { namespace: 'shop', replicas: 1 })
    objs.push(
      pod('cart-a', {
        namespace: 'shop',
        labels: { app: 'cart' },
        owner: { kind: 'ReplicaSet', name: rsName('cart') },
        spec: { nodeName: 'node-1', containers: [{ name: 'cart', image }] },
        status: {
          phase: 'Pending',
          containerStatuses: [containerStatus('cart', { waiting: 'ImagePullBackOff', message }, { image })],
        },
      }),
    )
    return objs
  }
  const a = scanObjects('prod-eu-1', [
    node('node-1'),
    skewed('prod-eu-1', 'v1.28.4'),
    ...pulling('registry.example.com/shop/cart:3.2.O', 'rpc error: manifest unknown'),
    apiService('v1beta1.metrics.k8s.io', ['False', 'MissingEndpoints', '2026-01-01T09:00:00Z']),
  ])
  const b = scanObjects('staging-us-2', [
    node('node-1'),
    skewed('staging-us-2', 'v1.28.11-eks-ae9a62a'),
    ...pulling('registry.example.com/shop/cart:3.2.O', 'rpc error: manifest unknown'),
    apiService('v1beta1.metrics.k8s.io', ['False', 'FailedDiscoveryCheck', '2026-01-01T09:00:00Z']),
  ])
  const c = scanObjects('dev-1', [
    node('node-1'),
    skewed('dev-1', 'v1.29.0'),
    ...pulling('nginx:1.25', 'toomanyrequests: You have reached your pull rate limit'),
  ])
  const key = (s: { snapshot: Snapshot; findings: Finding[] }, detector: string, name: string) =>
    fleetKeyOf(finding(s.findings, detector, name), s.snapshot)

  it('is the same on two clusters whose nodes lag at the same kubelet version', () => {
    expect(key(a, 'node-version-skew', 'prod-eu-1')).toBe('kubelet-version:1.28')
    expect(key(b, 'node-version-skew', 'staging-us-2')).toBe('kubelet-version:1.28')
    expect(key(c, 'node-version-skew', 'dev-1')).toBe('kubelet-version:1.29')
  })

  it('is the image for an image that cannot be pulled, and the registry when the registry is at fault', () => {
    expect(key(a, 'image-pull-failure', 'cart')).toBe('image:registry.example.com/shop/cart:3.2.O')
    expect(key(b, 'image-pull-failure', 'cart')).toBe(key(a, 'image-pull-failure', 'cart'))
    expect(key(c, 'image-pull-failure', 'cart')).toBe('registry:docker.io')
  })

  it('is the APIService for a metrics API down, whatever its reason on each cluster', () => {
    expect(key(a, 'apiservice-unavailable', 'v1beta1.metrics.k8s.io')).toBe(
      'apiservice:v1beta1.metrics.k8s.io',
    )
    expect(key(b, 'apiservice-unavailable', 'v1beta1.metrics.k8s.io')).toBe(
      'apiservice:v1beta1.metrics.k8s.io',
    )
  })

  it('is undefined where a finding means nothing beyond its cluster', () => {
    const s = scanObjects('prod', [
      node('node-1'),
      ...workload('api', 'shop', [{ name: 'api-a', node: 'node-1', status: notReadyPod }], unavailable(1)),
    ])
    expect(key(s, 'deployment-replicas-unavailable', 'api')).toBeUndefined()
  })

  it('normalizes image references the way the runtime resolves them', () => {
    expect(normalizeImage('nginx')).toBe('docker.io/library/nginx:latest')
    expect(normalizeImage('nginx:1.25')).toBe('docker.io/library/nginx:1.25')
    expect(normalizeImage('bitnami/redis:7')).toBe('docker.io/bitnami/redis:7')
    expect(normalizeImage('localhost:5000/app')).toBe('localhost:5000/app:latest')
    expect(normalizeImage('ghcr.io/org/app@sha256:abc')).toBe('ghcr.io/org/app@sha256:abc')
    expect(registryOf('quay.io/org/app:1')).toBe('quay.io')
    expect(registryOf('org/app:1')).toBe('docker.io')
  })
})

describe('objectLabelsOf', () => {
  const { snapshot, findings } = scanObjects('prod', [
    node('node-1'),
    ...workload('api', 'shop', [{ name: 'api-a', node: 'node-1', status: crashingPod }], unavailable(1)),
  ])

  it('gives the labels of the object a finding names, {} without labels, undefined when unknown', () => {
    const f = finding(findings, 'deployment-replicas-unavailable', 'api')
    expect(objectLabelsOf(f, snapshot)).toEqual({})
    const onPod: Finding = {
      ...f,
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'api-a' },
    }
    expect(objectLabelsOf(onPod, snapshot)).toEqual({ app: 'api', team: 'shop' })
    const gone: Finding = { ...f, object: { ...f.object, name: 'gone' } }
    expect(objectLabelsOf(gone, snapshot)).toBeUndefined()
    const cluster: Finding = { ...f, object: { apiVersion: 'v1', kind: 'Cluster', name: 'prod' } }
    expect(objectLabelsOf(cluster, snapshot)).toBeUndefined()
  })
})

describe('causes on the example fleet, through the pipeline hook', async () => {
  const { resolveTargets } = await import('../collect/inventory.js')
  const { filesCollector } = await import('../collect/files.js')
  const { scan } = await import('../pipeline.js')
  const fleet = new URL('../../examples/fleet', import.meta.url).pathname
  const { targets } = await resolveTargets([fleet])
  const causes = new Map<string, string>()
  await scan({
    targets,
    detectors,
    collectors: [filesCollector],
    onSnapshot: (snapshot, findings) => {
      for (const f of findings)
        causes.set(`${f.cluster} ${f.detector} ${f.object.name}`, causeOf(f, snapshot).key)
    },
  })

  it('groups the seeded chains of the example dumps by their cause', () => {
    expect(causes.get('staging-us-2 deployment-replica-failure ledger')).toBe(
      'ResourceQuota/payments/compute',
    )
    expect(causes.get('staging-us-2 quota-exhausted compute')).toBe('ResourceQuota/payments/compute')
    expect(causes.get('staging-us-2 hpa-metrics-unavailable search')).toBe(
      'APIService//v1beta1.metrics.k8s.io',
    )
    expect(causes.get('staging-us-2 apiservice-unavailable v1beta1.metrics.k8s.io')).toBe(
      'APIService//v1beta1.metrics.k8s.io',
    )
    expect(causes.get('prod-eu-1 node-not-ready prod-eu-1-node-3')).toBe('Node//prod-eu-1-node-3')
    expect(causes.get('prod-eu-1 container-crashloop checkout')).toBe('Deployment/shop/checkout')
    expect(causes.get('dev-idle-3 cluster-idle dev-idle-3')).toBe('Cluster//dev-idle-3')
  })
})
