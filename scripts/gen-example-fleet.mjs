// Writes examples/fleet: three clusters, each in one of the layouts kubedac reads, with seeded
// problems beside healthy objects. Run `node scripts/gen-example-fleet.mjs` after changing it; the
// output is committed so the README's first command needs no generation step.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { stringify } from 'yaml'

const root = join(import.meta.dirname, '..', 'examples', 'fleet')
let seq = 0
const uid = (tag) => {
  seq++
  const h = (seq * 2654435761).toString(16).padStart(8, '0').slice(-8)
  return `${h}-${tag.padEnd(4, '0').slice(0, 4)}-4${String(seq).padStart(3, '0')}-8a6f-${(seq * 7919).toString(16).padStart(12, '0').slice(-12)}`
}
// The alphabet Kubernetes uses for pod-template hashes and generated name suffixes.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'
function podHash(name) {
  let h = 2166136261
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0
  let out = ''
  for (let i = 0; i < 10; i++) {
    out += ALPHABET[h % ALPHABET.length]
    h = Math.imul(h ^ (i + 97), 16777619) >>> 0
  }
  return out
}
const list = (items) => ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } })
const typed = (kind, apiVersion, items) => ({
  apiVersion,
  items,
  kind,
  metadata: { resourceVersion: String(100000 + seq) },
})

export function node(
  cluster,
  name,
  {
    now,
    ready = ['True', 'KubeletReady', 'kubelet is posting ready status'],
    readySince,
    memory,
    disk,
    heartbeat,
  } = {},
) {
  const hb = heartbeat ?? now
  const c = (type, status, reason, message, since = '2026-10-01T08:00:00Z') => ({
    lastHeartbeatTime: hb,
    lastTransitionTime: since,
    message,
    reason,
    status,
    type,
  })
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      creationTimestamp: '2026-10-01T08:00:00Z',
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'm6i.xlarge',
        'topology.kubernetes.io/zone': `${cluster.slice(-4, -2)}-zone-a`,
      },
      name,
      resourceVersion: String(500000 + seq),
      uid: uid('node'),
    },
    spec: { podCIDR: '10.244.0.0/24', providerID: `aws:///zone-a/i-0${(seq * 99991).toString(16)}` },
    status: {
      addresses: [
        { address: `10.0.1.${10 + (seq % 200)}`, type: 'InternalIP' },
        { address: name, type: 'Hostname' },
      ],
      allocatable: { cpu: '3920m', 'ephemeral-storage': '95551679124', memory: '15212288Ki', pods: '58' },
      capacity: { cpu: '4', 'ephemeral-storage': '103797740Ki', memory: '16110336Ki', pods: '58' },
      conditions: [
        memory
          ? c(
              'MemoryPressure',
              'True',
              'KubeletHasInsufficientMemory',
              'kubelet has insufficient memory available',
              memory,
            )
          : c(
              'MemoryPressure',
              'False',
              'KubeletHasSufficientMemory',
              'kubelet has sufficient memory available',
            ),
        disk
          ? c('DiskPressure', 'True', 'KubeletHasDiskPressure', 'kubelet has disk pressure', disk)
          : c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        c('Ready', ready[0], ready[1], ready[2], readySince),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: [
        {
          names: [
            'registry.k8s.io/coredns/coredns@sha256:1eeb4c7316bacb1d4c8ead65571cd92dd21e27359f0d4917f1a5822a73b75db1',
            'registry.k8s.io/coredns/coredns:v1.11.1',
          ],
          sizeBytes: 18182961,
        },
        { names: ['registry.example.com/shop/checkout:2.14.0'], sizeBytes: 412873223 },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: uid('boot'),
        containerRuntimeVersion: 'containerd://1.7.22',
        kernelVersion: '6.1.112-124.190.amzn2023.x86_64',
        kubeProxyVersion: 'v1.30.4',
        kubeletVersion: 'v1.30.4',
        machineID: 'ec2' + seq,
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.6.20241010',
        systemUUID: uid('sys'),
      },
    },
  }
}

export function deploymentSet(
  ns,
  name,
  {
    replicas = 2,
    image,
    requests = { cpu: '100m', memory: '128Mi' },
    limits = { memory: '256Mi' },
    created = '2026-10-20T09:00:00Z',
    conditions,
    ready = replicas,
    labels = {},
    probes = true,
  },
) {
  const depUid = uid('depl')
  const hash = podHash(name)
  const rsName = `${name}-${hash}`
  const rsUid = uid('rset')
  const container = {
    image,
    imagePullPolicy: 'IfNotPresent',
    name: name.split('-')[0],
    ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
    resources: { ...(limits ? { limits } : {}), ...(requests ? { requests } : {}) },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...(probes
      ? {
          readinessProbe: {
            failureThreshold: 3,
            httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' },
            periodSeconds: 5,
            successThreshold: 1,
            timeoutSeconds: 1,
          },
        }
      : {}),
  }
  const dep = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      annotations: { 'deployment.kubernetes.io/revision': '4' },
      creationTimestamp: created,
      generation: 4,
      labels: { 'app.kubernetes.io/name': name, ...labels },
      name,
      namespace: ns,
      resourceVersion: String(600000 + seq),
      uid: depUid,
    },
    spec: {
      progressDeadlineSeconds: 600,
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': name } },
        spec: {
          containers: [container],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: {
      availableReplicas: ready,
      conditions: conditions ?? [
        {
          lastTransitionTime: created,
          lastUpdateTime: created,
          message: 'Deployment has minimum availability.',
          reason: 'MinimumReplicasAvailable',
          status: 'True',
          type: 'Available',
        },
        {
          lastTransitionTime: created,
          lastUpdateTime: created,
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
          status: 'True',
          type: 'Progressing',
        },
      ],
      observedGeneration: 4,
      readyReplicas: ready,
      replicas,
      updatedReplicas: replicas,
    },
  }
  if (ready === 0) {
    delete dep.status.availableReplicas
    delete dep.status.readyReplicas
  }
  const rs = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + 1),
        'deployment.kubernetes.io/revision': '4',
      },
      creationTimestamp: created,
      generation: 1,
      labels: { 'app.kubernetes.io/name': name, 'pod-template-hash': hash },
      name: rsName,
      namespace: ns,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'Deployment',
          name,
          uid: depUid,
        },
      ],
      resourceVersion: String(600000 + seq),
      uid: rsUid,
    },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name, 'pod-template-hash': hash } },
      template: dep.spec.template,
    },
    status: {
      availableReplicas: ready,
      fullyLabeledReplicas: replicas,
      observedGeneration: 1,
      readyReplicas: ready,
      replicas,
    },
  }
  const podFor = (
    i,
    {
      node: nodeName,
      state,
      lastState,
      restarts = 0,
      phase = 'Running',
      readyFlag = true,
      conditionsOverride,
      started = created,
    },
  ) => {
    const podName = `${rsName}-${['x7k2p', 'm4q9z', 'c8v3n', 'w2h6t', 'b5j8r'][i % 5]}`
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        creationTimestamp: started,
        generateName: `${rsName}-`,
        labels: { 'app.kubernetes.io/name': name, 'pod-template-hash': hash },
        name: podName,
        namespace: ns,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            blockOwnerDeletion: true,
            controller: true,
            kind: 'ReplicaSet',
            name: rsName,
            uid: rsUid,
          },
        ],
        resourceVersion: String(700000 + seq),
        uid: uid('pod0'),
      },
      spec: {
        containers: [container],
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        ...(nodeName ? { nodeName } : {}),
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        serviceAccount: 'default',
        serviceAccountName: 'default',
        terminationGracePeriodSeconds: 30,
        tolerations: [
          {
            effect: 'NoExecute',
            key: 'node.kubernetes.io/not-ready',
            operator: 'Exists',
            tolerationSeconds: 300,
          },
          {
            effect: 'NoExecute',
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            tolerationSeconds: 300,
          },
        ],
      },
      status: {
        conditions: conditionsOverride ?? [
          {
            lastProbeTime: null,
            lastTransitionTime: started,
            status: 'True',
            type: 'PodReadyToStartContainers',
          },
          { lastProbeTime: null, lastTransitionTime: started, status: 'True', type: 'Initialized' },
          {
            lastProbeTime: null,
            lastTransitionTime: started,
            status: readyFlag ? 'True' : 'False',
            type: 'Ready',
            ...(readyFlag
              ? {}
              : {
                  reason: 'ContainersNotReady',
                  message: `containers with unready status: [${container.name}]`,
                }),
          },
          {
            lastProbeTime: null,
            lastTransitionTime: started,
            status: readyFlag ? 'True' : 'False',
            type: 'ContainersReady',
            ...(readyFlag
              ? {}
              : {
                  reason: 'ContainersNotReady',
                  message: `containers with unready status: [${container.name}]`,
                }),
          },
          { lastProbeTime: null, lastTransitionTime: started, status: 'True', type: 'PodScheduled' },
        ],
        ...(nodeName
          ? {
              containerStatuses: [
                {
                  containerID: `containerd://${uid('ctr0').replace(/-/g, '')}`,
                  image,
                  imageID: `${image.split(':')[0]}@sha256:${'ab12'.repeat(16)}`,
                  lastState: lastState ?? {},
                  name: container.name,
                  ready: readyFlag,
                  restartCount: restarts,
                  started: readyFlag,
                  state: state ?? { running: { startedAt: started } },
                },
              ],
              hostIP: '10.0.1.21',
              podIP: `10.244.1.${20 + (seq % 200)}`,
              startTime: started,
            }
          : {}),
        phase,
        qosClass: 'Burstable',
      },
    }
  }
  return { dep, rs, podFor, container, rsName }
}

export function service(ns, name, selector, port = 80) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      creationTimestamp: '2026-10-02T10:00:00Z',
      labels: { 'app.kubernetes.io/name': name },
      name,
      namespace: ns,
      resourceVersion: String(800000 + seq),
      uid: uid('svc0'),
    },
    spec: {
      clusterIP: `10.96.${seq % 250}.${(seq * 7) % 250}`,
      clusterIPs: [`10.96.${seq % 250}.${(seq * 7) % 250}`],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', port, protocol: 'TCP', targetPort: 8080 }],
      selector,
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  }
}

export function event(
  ns,
  involved,
  reason,
  message,
  { count = 1, first, last, type = 'Warning', component = 'kubelet', host } = {},
) {
  return {
    apiVersion: 'v1',
    count,
    eventTime: null,
    firstTimestamp: first,
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata.name,
      namespace: involved.metadata.namespace,
      resourceVersion: involved.metadata.resourceVersion,
      uid: involved.metadata.uid,
    },
    kind: 'Event',
    lastTimestamp: last,
    message,
    metadata: {
      creationTimestamp: first,
      name: `${involved.metadata.name}.${(seq++ * 1234567).toString(16)}`,
      namespace: ns ?? 'default',
      resourceVersion: String(900000 + seq),
      uid: uid('evt0'),
    },
    reason,
    reportingComponent: component,
    reportingInstance: host ?? '',
    source: { component, ...(host ? { host } : {}) },
    type,
  }
}

/** System add-ons every healthy cluster has: CoreDNS, metrics-server, kube-proxy. */
export function systemAddons(nodes, created) {
  const coredns = deploymentSet('kube-system', 'coredns', {
    replicas: 2,
    image: 'registry.k8s.io/coredns/coredns:v1.11.1',
    requests: { cpu: '100m', memory: '70Mi' },
    limits: { memory: '170Mi' },
    created,
  })
  const metrics = deploymentSet('kube-system', 'metrics-server', {
    replicas: 1,
    image: 'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
    requests: { cpu: '100m', memory: '200Mi' },
    limits: null,
    created,
  })
  const pods = [
    coredns.podFor(0, { node: nodes[0] }),
    coredns.podFor(1, { node: nodes[1 % nodes.length] }),
    metrics.podFor(0, { node: nodes[0] }),
  ]
  const dsUid = uid('dset')
  const ds = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      annotations: { 'deprecated.daemonset.template.generation': '1' },
      creationTimestamp: created,
      generation: 1,
      labels: { 'k8s-app': 'kube-proxy' },
      name: 'kube-proxy',
      namespace: 'kube-system',
      resourceVersion: '1200',
      uid: dsUid,
    },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          containers: [
            {
              command: ['kube-proxy', '--config=/var/lib/kube-proxy/config.conf'],
              image: 'registry.k8s.io/kube-proxy:v1.30.4',
              name: 'kube-proxy',
              securityContext: { privileged: true },
            },
          ],
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
        },
      },
      updateStrategy: { rollingUpdate: { maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
    status: {
      currentNumberScheduled: nodes.length,
      desiredNumberScheduled: nodes.length,
      numberAvailable: nodes.length,
      numberMisscheduled: 0,
      numberReady: nodes.length,
      observedGeneration: 1,
      updatedNumberScheduled: nodes.length,
    },
  }
  for (const [i, n] of nodes.entries())
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        creationTimestamp: created,
        generateName: 'kube-proxy-',
        labels: {
          'controller-revision-hash': '6f9c8d7b5',
          'k8s-app': 'kube-proxy',
          'pod-template-generation': '1',
        },
        name: `kube-proxy-${['4xq8d', 'b7n2k', 'r9t5m', 'z3w6p'][i % 4]}`,
        namespace: 'kube-system',
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            blockOwnerDeletion: true,
            controller: true,
            kind: 'DaemonSet',
            name: 'kube-proxy',
            uid: dsUid,
          },
        ],
        resourceVersion: String(1300 + i),
        uid: uid('kprx'),
      },
      spec: {
        containers: [
          {
            image: 'registry.k8s.io/kube-proxy:v1.30.4',
            name: 'kube-proxy',
            securityContext: { privileged: true },
          },
        ],
        hostNetwork: true,
        nodeName: n,
        priorityClassName: 'system-node-critical',
      },
      status: {
        conditions: [
          { lastProbeTime: null, lastTransitionTime: created, status: 'True', type: 'Initialized' },
          { lastProbeTime: null, lastTransitionTime: created, status: 'True', type: 'Ready' },
          { lastProbeTime: null, lastTransitionTime: created, status: 'True', type: 'ContainersReady' },
          { lastProbeTime: null, lastTransitionTime: created, status: 'True', type: 'PodScheduled' },
        ],
        containerStatuses: [
          {
            containerID: 'containerd://' + 'cd34'.repeat(16),
            image: 'registry.k8s.io/kube-proxy:v1.30.4',
            imageID: 'registry.k8s.io/kube-proxy@sha256:' + 'ef56'.repeat(16),
            lastState: {},
            name: 'kube-proxy',
            ready: true,
            restartCount: 0,
            started: true,
            state: { running: { startedAt: created } },
          },
        ],
        phase: 'Running',
        qosClass: 'BestEffort',
        startTime: created,
      },
    })
  return {
    deployments: [coredns.dep, metrics.dep],
    replicasets: [coredns.rs, metrics.rs],
    daemonsets: [ds],
    pods,
    services: [
      service('kube-system', 'kube-dns', { 'app.kubernetes.io/name': 'coredns' }, 53),
      service('kube-system', 'metrics-server', { 'app.kubernetes.io/name': 'metrics-server' }, 443),
    ],
  }
}

// ---------------------------------------------------------------------------------------------
// prod-eu-1: a `kubectl cluster-info dump --output-directory` layout.
function prodEu1() {
  const dir = join(root, 'prod-eu-1')
  const now = '2026-11-20T14:30:00Z'
  const names = ['prod-eu-1-node-1', 'prod-eu-1-node-2', 'prod-eu-1-node-3', 'prod-eu-1-node-4']
  const nodes = [
    node('prod-eu-1', names[0], { now }),
    node('prod-eu-1', names[1], { now, memory: '2026-11-20T14:02:00Z' }),
    node('prod-eu-1', names[2], {
      now,
      heartbeat: '2026-11-20T13:48:00Z',
      ready: ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      readySince: '2026-11-20T13:52:00Z',
    }),
    node('prod-eu-1', names[3], { now }),
  ]
  nodes[2].spec.taints = [
    { effect: 'NoSchedule', key: 'node.kubernetes.io/unreachable', timeAdded: '2026-11-20T13:52:00Z' },
    { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', timeAdded: '2026-11-20T13:52:05Z' },
  ]
  nodes[1].spec.taints = [
    { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', timeAdded: '2026-11-20T14:02:00Z' },
  ]
  const sys = systemAddons(
    names.filter((n) => n !== names[2]),
    '2026-10-01T08:05:00Z',
  )

  // shop/checkout: three pods crash-looping, killed for memory.
  const checkout = deploymentSet('shop', 'checkout', {
    replicas: 3,
    ready: 0,
    image: 'registry.example.com/shop/checkout:2.14.0',
    requests: { cpu: '250m', memory: '256Mi' },
    limits: { memory: '256Mi' },
    created: '2026-11-18T09:00:00Z',
    conditions: [
      {
        lastTransitionTime: '2026-11-20T11:10:00Z',
        lastUpdateTime: '2026-11-20T11:10:00Z',
        message: 'Deployment does not have minimum availability.',
        reason: 'MinimumReplicasUnavailable',
        status: 'False',
        type: 'Available',
      },
      {
        lastTransitionTime: '2026-11-18T09:00:00Z',
        lastUpdateTime: '2026-11-20T11:00:00Z',
        message: 'ReplicaSet "checkout" is progressing.',
        reason: 'ReplicaSetUpdated',
        status: 'True',
        type: 'Progressing',
      },
    ],
  })
  const crashPods = [0, 1, 2].map((i) =>
    checkout.podFor(i, {
      node: names[i === 2 ? 3 : 0],
      readyFlag: false,
      restarts: 23 + i,
      started: '2026-11-20T11:00:00Z',
      state: {
        waiting: {
          message: `back-off 5m0s restarting failed container=checkout pod=checkout_shop`,
          reason: 'CrashLoopBackOff',
        },
      },
      lastState: {
        terminated: {
          containerID: 'containerd://' + 'aa11'.repeat(16),
          exitCode: 137,
          finishedAt: '2026-11-20T14:24:51Z',
          reason: 'OOMKilled',
          startedAt: '2026-11-20T14:24:02Z',
        },
      },
    }),
  )
  // shop/cart: a tag that does not exist.
  const cart = deploymentSet('shop', 'cart', {
    replicas: 2,
    ready: 1,
    image: 'registry.example.com/shop/cart:3.2.O',
    created: '2026-11-20T13:40:00Z',
  })
  const cartPods = [
    cart.podFor(0, {
      node: names[3],
      started: '2026-11-20T13:40:00Z',
      readyFlag: false,
      state: {
        waiting: {
          message: 'Back-off pulling image "registry.example.com/shop/cart:3.2.O"',
          reason: 'ImagePullBackOff',
        },
      },
    }),
  ]
  // shop/frontend: healthy.
  const frontend = deploymentSet('shop', 'frontend', {
    replicas: 3,
    image: 'registry.example.com/shop/frontend:5.0.3',
    created: '2026-11-02T10:00:00Z',
  })
  const frontendPods = [0, 1, 2].map((i) =>
    frontend.podFor(i, { node: names[i === 2 ? 3 : i], started: '2026-11-02T10:00:00Z' }),
  )
  const events = [
    event(
      'shop',
      crashPods[0],
      'BackOff',
      'Back-off restarting failed container checkout in pod ' + crashPods[0].metadata.name + '_shop',
      { count: 310, first: '2026-11-20T11:02:00Z', last: '2026-11-20T14:29:30Z', host: names[0] },
    ),
    event(
      'shop',
      cartPods[0],
      'Failed',
      'Failed to pull image "registry.example.com/shop/cart:3.2.O": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/shop/cart:3.2.O": failed to resolve reference "registry.example.com/shop/cart:3.2.O": registry.example.com/shop/cart:3.2.O: not found',
      { count: 9, first: '2026-11-20T13:40:10Z', last: '2026-11-20T14:27:00Z', host: names[3] },
    ),
    event('shop', cartPods[0], 'Failed', 'Error: ErrImagePull', {
      count: 9,
      first: '2026-11-20T13:40:10Z',
      last: '2026-11-20T14:27:00Z',
      host: names[3],
    }),
    event(undefined, nodes[1], 'EvictionThresholdMet', 'Attempting to reclaim memory', {
      count: 3,
      first: '2026-11-20T14:02:00Z',
      last: '2026-11-20T14:20:00Z',
      host: names[1],
    }),
    event(undefined, nodes[2], 'NodeNotReady', 'Node prod-eu-1-node-3 status is now: NodeNotReady', {
      count: 1,
      first: '2026-11-20T13:52:00Z',
      last: '2026-11-20T13:52:00Z',
      type: 'Normal',
      component: 'node-controller',
    }),
  ]
  events[3].metadata.namespace = 'default'
  events[4].metadata.namespace = 'default'

  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'nodes.json'), JSON.stringify(typed('NodeList', 'v1', nodes), null, 4))
  const byNs = {
    'kube-system': {
      deployments: sys.deployments,
      replicasets: sys.replicasets,
      daemonsets: sys.daemonsets,
      pods: sys.pods,
      services: sys.services,
      events: [],
    },
    shop: {
      deployments: [checkout.dep, cart.dep, frontend.dep],
      replicasets: [checkout.rs, cart.rs, frontend.rs],
      daemonsets: [],
      pods: [...crashPods, ...cartPods, ...frontendPods],
      services: [
        service('shop', 'checkout', { 'app.kubernetes.io/name': 'checkout' }),
        service('shop', 'frontend', { 'app.kubernetes.io/name': 'frontend' }),
      ],
      events: events.slice(0, 3),
    },
    default: {
      deployments: [],
      replicasets: [],
      daemonsets: [],
      pods: [],
      services: [service('default', 'kubernetes', null, 443)],
      events: events.slice(3),
    },
  }
  delete byNs.default.services[0].spec.selector
  for (const [ns, kinds] of Object.entries(byNs)) {
    mkdirSync(join(dir, ns), { recursive: true })
    const files = {
      events: ['EventList', 'v1'],
      replicationcontrollers: ['ReplicationControllerList', 'v1'],
      services: ['ServiceList', 'v1'],
      daemonsets: ['DaemonSetList', 'apps/v1'],
      deployments: ['DeploymentList', 'apps/v1'],
      replicasets: ['ReplicaSetList', 'apps/v1'],
      pods: ['PodList', 'v1'],
    }
    for (const [f, [kind, av]] of Object.entries(files))
      writeFileSync(join(dir, ns, `${f}.json`), JSON.stringify(typed(kind, av, kinds[f] ?? []), null, 4))
    for (const p of kinds.pods) {
      mkdirSync(join(dir, ns, p.metadata.name), { recursive: true })
      const log = p.metadata.name.startsWith('checkout')
        ? '2026-11-20T14:24:03Z INFO starting checkout 2.14.0\n2026-11-20T14:24:40Z INFO warming product cache (48213 items)\n{"level":"warn","msg":"heap at 92% of limit"}\n'
        : `2026-11-20T09:00:00Z INFO ${p.metadata.name} ready\n`
      writeFileSync(join(dir, ns, p.metadata.name, 'logs.txt'), log)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// staging-us-2: `kubectl get … -A -o yaml` files, as a tenant attaches them to a ticket.
function stagingUs2() {
  const dir = join(root, 'staging-us-2')
  const names = ['staging-us-2-node-a', 'staging-us-2-node-b']
  const now = '2026-11-24T09:15:00Z'
  const nodes = names.map((n) => node('staging-us-2', n, { now }))
  const sys = systemAddons(names, '2026-10-05T08:00:00Z')
  // The metrics API is down: every utilization HPA is blind.
  const apiservice = {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: {
      creationTimestamp: '2026-10-05T08:00:00Z',
      labels: { 'k8s-app': 'metrics-server' },
      name: 'v1beta1.metrics.k8s.io',
      resourceVersion: '48211',
      uid: uid('apis'),
    },
    spec: {
      group: 'metrics.k8s.io',
      groupPriorityMinimum: 100,
      insecureSkipTLSVerify: true,
      service: { name: 'metrics-server', namespace: 'kube-system', port: 443 },
      version: 'v1beta1',
      versionPriority: 100,
    },
    status: {
      conditions: [
        {
          lastTransitionTime: '2026-11-24T07:40:00Z',
          message:
            'failing or missing response from https://10.96.12.4:443/apis/metrics.k8s.io/v1beta1: Get "https://10.96.12.4:443/apis/metrics.k8s.io/v1beta1": dial tcp 10.96.12.4:443: i/o timeout',
          reason: 'FailedDiscoveryCheck',
          status: 'False',
          type: 'Available',
        },
      ],
    },
  }
  const search = deploymentSet('catalog', 'search', {
    replicas: 3,
    image: 'registry.example.com/catalog/search:1.9.2',
    created: '2026-11-01T10:00:00Z',
  })
  const searchPods = [0, 1, 2].map((i) =>
    search.podFor(i, { node: names[i % 2], started: '2026-11-01T10:00:00Z' }),
  )
  // catalog/api: scaled on CPU utilization, but no CPU request.
  const api = deploymentSet('catalog', 'api', {
    replicas: 2,
    image: 'registry.example.com/catalog/api:4.1.0',
    requests: { memory: '256Mi' },
    limits: { memory: '512Mi' },
    created: '2026-11-03T10:00:00Z',
  })
  const apiPods = [0, 1].map((i) => api.podFor(i, { node: names[i % 2], started: '2026-11-03T10:00:00Z' }))
  const hpa = (name, target, conditions, extra = {}) => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      creationTimestamp: '2026-11-01T10:00:00Z',
      name,
      namespace: 'catalog',
      resourceVersion: String(1000 + seq),
      uid: uid('hpa0'),
    },
    spec: {
      maxReplicas: 10,
      metrics: [
        {
          resource: { name: 'cpu', target: { averageUtilization: 70, type: 'Utilization' } },
          type: 'Resource',
        },
      ],
      minReplicas: 2,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      ...extra,
    },
    status: { conditions, currentMetrics: null, currentReplicas: 3, desiredReplicas: 3 },
  })
  const hpas = [
    hpa('search', 'search', [
      {
        lastTransitionTime: '2026-11-01T10:01:00Z',
        message: 'recommended size matches current size',
        reason: 'ReadyForNewScale',
        status: 'True',
        type: 'AbleToScale',
      },
      {
        lastTransitionTime: '2026-11-24T07:41:00Z',
        message:
          'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)',
        reason: 'FailedGetResourceMetric',
        status: 'False',
        type: 'ScalingActive',
      },
    ]),
    hpa('api', 'api', [
      {
        lastTransitionTime: '2026-11-03T10:01:00Z',
        message: 'recommended size matches current size',
        reason: 'ReadyForNewScale',
        status: 'True',
        type: 'AbleToScale',
      },
      {
        lastTransitionTime: '2026-11-24T07:41:00Z',
        message:
          'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container api of Pod ' +
          apiPods[0].metadata.name,
        reason: 'FailedGetResourceMetric',
        status: 'False',
        type: 'ScalingActive',
      },
    ]),
  ]
  // payments/ledger: cannot create pods, the namespace's quota is used up.
  const ledger = deploymentSet('payments', 'ledger', {
    replicas: 4,
    ready: 2,
    image: 'registry.example.com/payments/ledger:7.3.1',
    requests: { cpu: '500m', memory: '512Mi' },
    created: '2026-11-10T10:00:00Z',
    conditions: [
      {
        lastTransitionTime: '2026-11-24T08:50:00Z',
        lastUpdateTime: '2026-11-24T08:50:00Z',
        message: 'Deployment does not have minimum availability.',
        reason: 'MinimumReplicasUnavailable',
        status: 'False',
        type: 'Available',
      },
      {
        lastTransitionTime: '2026-11-24T08:50:00Z',
        lastUpdateTime: '2026-11-24T08:50:00Z',
        message:
          'pods "ledger-5c9d8f7b6-q2w3e" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2',
        reason: 'FailedCreate',
        status: 'True',
        type: 'ReplicaFailure',
      },
      {
        lastTransitionTime: '2026-11-10T10:00:00Z',
        lastUpdateTime: '2026-11-24T08:50:00Z',
        message: 'ReplicaSet "ledger" is progressing.',
        reason: 'ReplicaSetUpdated',
        status: 'True',
        type: 'Progressing',
      },
    ],
  })
  const ledgerPods = [0, 1].map((i) =>
    ledger.podFor(i, { node: names[i % 2], started: '2026-11-10T10:00:00Z' }),
  )
  const quota = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      creationTimestamp: '2026-10-05T08:00:00Z',
      name: 'compute',
      namespace: 'payments',
      resourceVersion: '5512',
      uid: uid('quot'),
    },
    spec: { hard: { 'limits.memory': '8Gi', 'requests.cpu': '2', 'requests.memory': '4Gi' } },
    status: {
      hard: { 'limits.memory': '8Gi', 'requests.cpu': '2', 'requests.memory': '4Gi' },
      used: { 'limits.memory': '2Gi', 'requests.cpu': '2', 'requests.memory': '1Gi' },
    },
  }
  // reports/renderer: a rollout that never finished.
  const renderer = deploymentSet('reports', 'renderer', {
    replicas: 2,
    ready: 2,
    image: 'registry.example.com/reports/renderer:2.0.0',
    created: '2026-09-01T10:00:00Z',
    conditions: [
      {
        lastTransitionTime: '2026-09-01T10:02:00Z',
        lastUpdateTime: '2026-09-01T10:02:00Z',
        message: 'Deployment has minimum availability.',
        reason: 'MinimumReplicasAvailable',
        status: 'True',
        type: 'Available',
      },
      {
        lastTransitionTime: '2026-11-24T08:10:00Z',
        lastUpdateTime: '2026-11-24T08:10:00Z',
        message: 'ReplicaSet "renderer-6b7c8d9f5" has timed out progressing.',
        reason: 'ProgressDeadlineExceeded',
        status: 'False',
        type: 'Progressing',
      },
    ],
  })
  const rendererPods = [0, 1].map((i) =>
    renderer.podFor(i, { node: names[i % 2], started: '2026-09-01T10:00:00Z' }),
  )
  // reports/batch-worker: a pod that cannot be scheduled (asks for more CPU than any node has free).
  const worker = deploymentSet('reports', 'batch-worker', {
    replicas: 1,
    ready: 0,
    image: 'registry.example.com/reports/worker:1.0.4',
    requests: { cpu: '6', memory: '2Gi' },
    created: '2026-11-24T08:40:00Z',
  })
  const workerPod = worker.podFor(0, {
    node: undefined,
    phase: 'Pending',
    readyFlag: false,
    started: '2026-11-24T08:40:00Z',
    conditionsOverride: [
      {
        lastProbeTime: null,
        lastTransitionTime: '2026-11-24T08:40:00Z',
        message:
          '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
        reason: 'Unschedulable',
        status: 'False',
        type: 'PodScheduled',
      },
    ],
  })
  // data/migrator: an init container waiting on a database that never answers.
  const migrator = deploymentSet('data', 'migrator', {
    replicas: 1,
    ready: 0,
    image: 'registry.example.com/data/migrator:0.9.0',
    created: '2026-11-24T08:30:00Z',
  })
  const migratorPod = migrator.podFor(0, {
    node: names[0],
    phase: 'Pending',
    readyFlag: false,
    started: '2026-11-24T08:30:00Z',
    state: { waiting: { reason: 'PodInitializing' } },
  })
  migratorPod.spec.initContainers = [
    {
      name: 'wait-for-db',
      image: 'busybox:1.36',
      command: ['sh', '-c', 'until nc -z postgres 5432; do sleep 2; done'],
    },
  ]
  migratorPod.status.initContainerStatuses = [
    {
      containerID: 'containerd://' + 'bb22'.repeat(16),
      image: 'docker.io/library/busybox:1.36',
      imageID: 'docker.io/library/busybox@sha256:' + 'cc33'.repeat(16),
      lastState: {},
      name: 'wait-for-db',
      ready: false,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: '2026-11-24T08:30:05Z' } },
    },
  ]
  migratorPod.status.conditions = [
    {
      lastProbeTime: null,
      lastTransitionTime: '2026-11-24T08:30:05Z',
      status: 'True',
      type: 'PodReadyToStartContainers',
    },
    {
      lastProbeTime: null,
      lastTransitionTime: '2026-11-24T08:30:00Z',
      message: 'containers with incomplete status: [wait-for-db]',
      reason: 'ContainersNotInitialized',
      status: 'False',
      type: 'Initialized',
    },
    {
      lastProbeTime: null,
      lastTransitionTime: '2026-11-24T08:30:00Z',
      message: 'containers with unready status: [migrator]',
      reason: 'ContainersNotReady',
      status: 'False',
      type: 'Ready',
    },
    {
      lastProbeTime: null,
      lastTransitionTime: '2026-11-24T08:30:00Z',
      message: 'containers with unready status: [migrator]',
      reason: 'ContainersNotReady',
      status: 'False',
      type: 'ContainersReady',
    },
    { lastProbeTime: null, lastTransitionTime: '2026-11-24T08:30:00Z', status: 'True', type: 'PodScheduled' },
  ]
  const events = [
    event(
      'reports',
      workerPod,
      'FailedScheduling',
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
      {
        count: 1,
        first: '2026-11-24T08:40:00Z',
        last: '2026-11-24T09:10:00Z',
        component: 'default-scheduler',
      },
    ),
    event(
      'payments',
      ledger.rs,
      'FailedCreate',
      'Error creating: pods "ledger-5c9d8f7b6-q2w3e" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2',
      {
        count: 27,
        first: '2026-11-24T08:50:00Z',
        last: '2026-11-24T09:14:00Z',
        component: 'replicaset-controller',
      },
    ),
    event(
      'catalog',
      hpas[0],
      'FailedGetResourceMetric',
      'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)',
      {
        count: 98,
        first: '2026-11-24T07:41:00Z',
        last: '2026-11-24T09:14:30Z',
        component: 'horizontal-pod-autoscaler',
      },
    ),
  ]
  // A Job that gave up, and one that completed (quiet).
  const job = (name, failed) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      creationTimestamp: '2026-11-24T02:00:00Z',
      labels: { 'job-name': name },
      name,
      namespace: 'reports',
      resourceVersion: String(3000 + seq),
      uid: uid('job0'),
    },
    spec: {
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      completions: 1,
      parallelism: 1,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid('ctl0') } },
      suspend: false,
      template: {
        spec: {
          containers: [{ image: 'registry.example.com/reports/nightly:1.2.0', name: 'nightly' }],
          restartPolicy: 'Never',
        },
      },
    },
    status: failed
      ? {
          conditions: [
            {
              lastProbeTime: '2026-11-24T02:41:00Z',
              lastTransitionTime: '2026-11-24T02:41:00Z',
              message: 'Job has reached the specified backoff limit',
              reason: 'BackoffLimitExceeded',
              status: 'True',
              type: 'FailureTarget',
            },
            {
              lastProbeTime: '2026-11-24T02:41:00Z',
              lastTransitionTime: '2026-11-24T02:41:00Z',
              message: 'Job has reached the specified backoff limit',
              reason: 'BackoffLimitExceeded',
              status: 'True',
              type: 'Failed',
            },
          ],
          failed: 7,
          ready: 0,
          startTime: '2026-11-24T02:00:00Z',
          terminating: 0,
          uncountedTerminatedPods: {},
        }
      : {
          completionTime: '2026-11-24T02:03:10Z',
          conditions: [
            {
              lastProbeTime: '2026-11-24T02:03:10Z',
              lastTransitionTime: '2026-11-24T02:03:10Z',
              message: 'Reached expected number of succeeded pods',
              reason: 'CompletionsReached',
              status: 'True',
              type: 'SuccessCriteriaMet',
            },
            {
              lastProbeTime: '2026-11-24T02:03:10Z',
              lastTransitionTime: '2026-11-24T02:03:10Z',
              message: 'Reached expected number of succeeded pods',
              reason: 'CompletionsReached',
              status: 'True',
              type: 'Complete',
            },
          ],
          ready: 0,
          startTime: '2026-11-24T02:00:00Z',
          succeeded: 1,
          terminating: 0,
          uncountedTerminatedPods: {},
        },
  })
  mkdirSync(dir, { recursive: true })
  const yaml = (v) => stringify(v, { lineWidth: 0 })
  writeFileSync(join(dir, 'nodes.yaml'), yaml(list(nodes)))
  writeFileSync(
    join(dir, 'workloads.yaml'),
    '# kubectl get deployments,replicasets,daemonsets,pods,services,jobs -A -o yaml\n' +
      yaml(
        list([
          ...sys.deployments,
          search.dep,
          api.dep,
          ledger.dep,
          renderer.dep,
          worker.dep,
          migrator.dep,
          ...sys.replicasets,
          search.rs,
          api.rs,
          ledger.rs,
          renderer.rs,
          worker.rs,
          migrator.rs,
          ...sys.daemonsets,
          ...sys.pods,
          ...searchPods,
          ...apiPods,
          ...ledgerPods,
          ...rendererPods,
          workerPod,
          migratorPod,
          ...sys.services,
          service('catalog', 'search', { 'app.kubernetes.io/name': 'search' }),
          service('catalog', 'api', { 'app.kubernetes.io/name': 'api' }),
          job('nightly-report-29377440', true),
          job('nightly-report-29376000', false),
        ]),
      ),
  )
  writeFileSync(
    join(dir, 'autoscaling.yaml'),
    '# kubectl get hpa -A -o yaml && kubectl get apiservice v1beta1.metrics.k8s.io -o yaml\n' +
      yaml(list(hpas)) +
      '---\n' +
      yaml(apiservice),
  )
  writeFileSync(join(dir, 'quotas.yaml'), yaml(list([quota])))
  writeFileSync(join(dir, 'events.yaml'), yaml(list(events)))
}

// ---------------------------------------------------------------------------------------------
// dev-idle-3: the single `kubectl cluster-info dump` stream, as attached to a bug report.
function devIdle3() {
  const dir = join(root, 'dev-idle-3')
  const names = ['dev-idle-3-node-1', 'dev-idle-3-node-2', 'dev-idle-3-node-3']
  const now = '2026-11-25T16:00:00Z'
  const nodes = names.map((n) => node('dev-idle-3', n, { now }))
  const sys = systemAddons(names, '2026-06-02T08:00:00Z')
  const lists = [
    typed('NodeList', 'v1', nodes),
    typed('EventList', 'v1', []),
    typed('ReplicationControllerList', 'v1', []),
    typed('ServiceList', 'v1', sys.services),
    typed('DaemonSetList', 'apps/v1', sys.daemonsets),
    typed('DeploymentList', 'apps/v1', sys.deployments),
    typed('ReplicaSetList', 'apps/v1', sys.replicasets),
    typed('PodList', 'v1', sys.pods),
  ]
  let out = ''
  for (const l of lists) out += JSON.stringify(l, null, 4) + '\n'
  for (const p of sys.pods) {
    const c = p.spec.containers[0].name
    out += `==== START logs for container ${c} of pod kube-system/${p.metadata.name} ====\n`
    out +=
      c === 'coredns'
        ? '.:53\n[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5\nCoreDNS-1.11.1\n{\n  "not": "an object"\n}\n'
        : `I1125 08:00:00.000000       1 server.go:123] ${c} started\n`
    out += `==== END logs for container ${c} of pod kube-system/${p.metadata.name} ====\n`
  }
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'cluster-info.dump'), out)
}

// The builders above are shared with scripts/gen-healthy-fixture.mjs; only a direct run writes the fleet.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  rmSync(root, { recursive: true, force: true })
  prodEu1()
  stagingUs2()
  devIdle3()
  console.log(`wrote ${root}`)
}
