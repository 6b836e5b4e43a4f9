// Writes test/fixtures/healthy: one realistic, healthy cluster on which the whole detector library
// must stay free of critical and warning findings (test/healthy.test.ts). System add-ons (CoreDNS,
// metrics-server, kube-proxy, an ingress controller with its admission webhook, istiod), well
// configured apps in a meshed namespace, a StatefulSet with its volume, a CronJob whose last Job
// completed, an HPA at its minimum, a pod created seconds ago, GitOps objects in sync.
// Run `node scripts/gen-healthy-fixture.mjs` after changing it; the output is committed.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { deploymentSet, event, node, service, systemAddons } from './gen-example-fleet.mjs'

const dir = join(import.meta.dirname, '..', 'test', 'fixtures', 'healthy')
const NOW = '2026-11-26T10:00:00Z'
const CREATED = '2026-09-01T08:00:00Z'
const ISTIO = '1.23.2'
const list = (items) => ({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } })
const typed = (kind, apiVersion, items) => ({
  apiVersion,
  items,
  kind,
  metadata: { resourceVersion: '424242' },
})
let n = 0
const uid = (tag) =>
  `${(++n * 2654435761).toString(16).padStart(8, '0').slice(-8)}-${tag}-4000-8000-${String(n).padStart(12, '0')}`

const nodeNames = ['healthy-node-a', 'healthy-node-b', 'healthy-node-c']
const nodes = nodeNames.map((name) => node('healthy', name, { now: NOW }))
const sys = systemAddons(nodeNames, CREATED)

// A well-configured app container: requests and a memory limit, probes, a graceful stop, a
// hardened security context.
function harden(c, { port = 8080 } = {}) {
  c.resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } }
  c.readinessProbe = {
    httpGet: { path: '/ready', port, scheme: 'HTTP' },
    periodSeconds: 5,
    failureThreshold: 3,
    successThreshold: 1,
    timeoutSeconds: 1,
  }
  c.livenessProbe = {
    httpGet: { path: '/healthz', port, scheme: 'HTTP' },
    periodSeconds: 10,
    failureThreshold: 3,
    successThreshold: 1,
    timeoutSeconds: 1,
    initialDelaySeconds: 5,
  }
  c.lifecycle = { preStop: { sleep: { seconds: 5 } } }
  c.securityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 10001,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  }
  return c
}

function istioProxy() {
  return {
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local'],
    image: `docker.io/istio/proxyv2:${ISTIO}`,
    name: 'istio-proxy',
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: 15021 },
      periodSeconds: 15,
      failureThreshold: 4,
    },
    resources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { memory: '1Gi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 1337,
      capabilities: { drop: ['ALL'] },
    },
  }
}

function meshed(set, podList) {
  const tpl = set.dep.spec.template
  tpl.metadata.annotations = { 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts": true}' }
  tpl.spec.containers = [harden(tpl.spec.containers[0]), istioProxy()]
  tpl.spec.topologySpreadConstraints = [
    {
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: set.dep.spec.selector.matchLabels },
    },
  ]
  tpl.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }
  tpl.spec.automountServiceAccountToken = false
  set.rs.spec.template = tpl
  for (const p of podList) {
    p.metadata.annotations = {
      ...tpl.metadata.annotations,
      'sidecar.istio.io/status': `{"initContainers":null,"containers":["istio-proxy"],"volumes":["istio-envoy"],"revision":"default"}`,
    }
    p.metadata.labels['security.istio.io/tlsMode'] = 'istio'
    p.metadata.labels['service.istio.io/canonical-name'] = set.dep.metadata.name
    p.spec = {
      ...p.spec,
      containers: tpl.spec.containers,
      topologySpreadConstraints: tpl.spec.topologySpreadConstraints,
      securityContext: tpl.spec.securityContext,
      automountServiceAccountToken: false,
    }
    const started = p.status.startTime
    p.status.containerStatuses.push({
      containerID: 'containerd://' + 'e1'.repeat(32),
      image: `docker.io/istio/proxyv2:${ISTIO}`,
      imageID: 'docker.io/istio/proxyv2@sha256:' + 'f2'.repeat(32),
      lastState: {},
      name: 'istio-proxy',
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: started } },
    })
  }
}

function endpointSlice(svc, pods, port = 8080) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${svc.metadata.name}-${(n++).toString(36)}x9k`,
      namespace: svc.metadata.namespace,
      labels: {
        'kubernetes.io/service-name': svc.metadata.name,
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: svc.metadata.name,
          uid: svc.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      creationTimestamp: CREATED,
      uid: uid('eps'),
    },
    addressType: 'IPv4',
    endpoints: pods.map((p) => ({
      addresses: [p.status.podIP ?? '10.244.0.9'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: p.spec.nodeName,
      targetRef: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
    })),
    ports: [{ name: 'http', port, protocol: 'TCP' }],
  }
}

function namespace(name, labels = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
      creationTimestamp: CREATED,
      uid: uid('ns'),
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }
}

const serviceAccount = (ns, name = 'default') => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns, creationTimestamp: CREATED, uid: uid('sa') },
})

// --- shop: meshed web apps with a Service, PDB, HPA at its minimum, an Ingress, a NetworkPolicy.
const frontend = deploymentSet('shop', 'frontend', {
  replicas: 3,
  image: 'registry.example.com/shop/frontend:5.0.3',
  created: CREATED,
})
const frontendPods = [0, 1, 2].map((i) =>
  frontend.podFor(i, { node: nodeNames[i], started: '2026-11-20T08:00:00Z' }),
)
meshed(frontend, frontendPods)
const cart = deploymentSet('shop', 'cart', {
  replicas: 2,
  image: 'registry.example.com/shop/cart:3.2.1',
  created: CREATED,
})
const cartPods = [0, 1].map((i) =>
  cart.podFor(i, { node: nodeNames[i + 1], started: '2026-11-21T08:00:00Z' }),
)
meshed(cart, cartPods)
// A pod the ReplicaSet created seconds ago during a scale-up: still creating, which is normal.
const freshPod = frontend.podFor(3, {
  node: nodeNames[2],
  started: '2026-11-26T09:59:40Z',
  readyFlag: false,
  state: { waiting: { reason: 'ContainerCreating' } },
})
freshPod.status.phase = 'Pending'
// Created after injection, like its siblings: the same containers and the injector's annotations.
freshPod.spec = {
  ...freshPod.spec,
  containers: frontendPods[0].spec.containers,
  topologySpreadConstraints: frontendPods[0].spec.topologySpreadConstraints,
  securityContext: frontendPods[0].spec.securityContext,
  automountServiceAccountToken: false,
}
freshPod.metadata.annotations = { ...frontendPods[0].metadata.annotations }
freshPod.metadata.labels = {
  ...frontendPods[0].metadata.labels,
  'pod-template-hash': frontendPods[0].metadata.labels['pod-template-hash'],
}
freshPod.status.containerStatuses = freshPod.status.containerStatuses.slice(0, 1)
freshPod.status.containerStatuses.push({
  image: `docker.io/istio/proxyv2:${ISTIO}`,
  imageID: '',
  lastState: {},
  name: 'istio-proxy',
  ready: false,
  restartCount: 0,
  started: false,
  state: { waiting: { reason: 'ContainerCreating' } },
})
freshPod.status.conditions = [
  {
    lastProbeTime: null,
    lastTransitionTime: '2026-11-26T09:59:40Z',
    status: 'False',
    type: 'PodReadyToStartContainers',
  },
  { lastProbeTime: null, lastTransitionTime: '2026-11-26T09:59:40Z', status: 'True', type: 'Initialized' },
  {
    lastProbeTime: null,
    lastTransitionTime: '2026-11-26T09:59:40Z',
    status: 'False',
    type: 'Ready',
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [frontend istio-proxy]',
  },
  {
    lastProbeTime: null,
    lastTransitionTime: '2026-11-26T09:59:40Z',
    status: 'False',
    type: 'ContainersReady',
    reason: 'ContainersNotReady',
    message: 'containers with unready status: [frontend istio-proxy]',
  },
  { lastProbeTime: null, lastTransitionTime: '2026-11-26T09:59:40Z', status: 'True', type: 'PodScheduled' },
]
const frontendSvc = service('shop', 'frontend', { 'app.kubernetes.io/name': 'frontend' })
const cartSvc = service('shop', 'cart', { 'app.kubernetes.io/name': 'cart' })
const shopObjects = [
  namespace('shop', { 'istio-injection': 'enabled', team: 'shop' }),
  serviceAccount('shop'),
  frontend.dep,
  frontend.rs,
  cart.dep,
  cart.rs,
  ...frontendPods,
  ...cartPods,
  freshPod,
  frontendSvc,
  cartSvc,
  endpointSlice(frontendSvc, frontendPods),
  endpointSlice(cartSvc, cartPods),
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: 'frontend',
      namespace: 'shop',
      uid: uid('pdb'),
      creationTimestamp: CREATED,
      generation: 1,
    },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } } },
    status: {
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'True',
          reason: 'SufficientPods',
          message: '',
          lastTransitionTime: '2026-11-20T08:01:00Z',
          observedGeneration: 1,
        },
      ],
      currentHealthy: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1,
      expectedPods: 3,
      observedGeneration: 1,
    },
  },
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'cart', namespace: 'shop', uid: uid('pdb'), creationTimestamp: CREATED, generation: 1 },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'cart' } } },
    status: {
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'True',
          reason: 'SufficientPods',
          message: '',
          lastTransitionTime: '2026-11-21T08:01:00Z',
          observedGeneration: 1,
        },
      ],
      currentHealthy: 2,
      desiredHealthy: 1,
      disruptionsAllowed: 1,
      expectedPods: 2,
      observedGeneration: 1,
    },
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'frontend', namespace: 'shop', uid: uid('hpa'), creationTimestamp: CREATED },
    spec: {
      minReplicas: 3,
      maxReplicas: 12,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend' },
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
    status: {
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 12, averageValue: '12m' } },
        },
      ],
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          reason: 'ReadyForNewScale',
          message: 'recommended size matches current size',
          lastTransitionTime: '2026-11-20T08:05:00Z',
        },
        {
          type: 'ScalingActive',
          status: 'True',
          reason: 'ValidMetricFound',
          message:
            'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
          lastTransitionTime: '2026-11-20T08:05:00Z',
        },
        {
          type: 'ScalingLimited',
          status: 'True',
          reason: 'TooFewReplicas',
          message: 'the desired replica count is less than the minimum replica count',
          lastTransitionTime: '2026-11-20T08:05:00Z',
        },
      ],
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny-ingress', namespace: 'shop', uid: uid('np'), creationTimestamp: CREATED },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        },
      ],
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: 'shop', uid: uid('ing'), creationTimestamp: CREATED },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'frontend', port: { number: 80 } } },
              },
              {
                path: '/cart',
                pathType: 'Prefix',
                backend: { service: { name: 'cart', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
    status: { loadBalancer: { ingress: [{ hostname: 'a1b2c3.elb.example.com' }] } },
  },
  {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'compute', namespace: 'shop', uid: uid('rq'), creationTimestamp: CREATED },
    spec: { hard: { 'requests.cpu': '8', 'requests.memory': '16Gi', 'limits.memory': '32Gi', pods: '50' } },
    status: {
      hard: { 'requests.cpu': '8', 'requests.memory': '16Gi', 'limits.memory': '32Gi', pods: '50' },
      used: { 'requests.cpu': '620m', 'requests.memory': '1008Mi', 'limits.memory': '2304Mi', pods: '6' },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'defaults', namespace: 'shop', uid: uid('lr'), creationTimestamp: CREATED },
    spec: {
      limits: [
        { type: 'Container', default: { memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-ca-root-cert', namespace: 'shop', uid: uid('cm'), creationTimestamp: CREATED },
    data: { 'root-cert.pem': '-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n' },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-root-ca.crt', namespace: 'shop', uid: uid('cm'), creationTimestamp: CREATED },
    data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----\n' },
  },
  event('shop', frontendPods[0], 'Started', 'Started container frontend', {
    type: 'Normal',
    first: '2026-11-20T08:00:10Z',
    last: '2026-11-20T08:00:10Z',
    host: nodeNames[0],
  }),
  event(
    'shop',
    freshPod,
    'Scheduled',
    `Successfully assigned shop/${freshPod.metadata.name} to ${nodeNames[2]}`,
    {
      type: 'Normal',
      first: '2026-11-26T09:59:40Z',
      last: '2026-11-26T09:59:40Z',
      component: 'default-scheduler',
    },
  ),
]
// The fresh pod makes the scale-up visible: 4 pods wanted, 3 ready, well within the deadline.
frontend.dep.spec.replicas = 4
frontend.dep.status = {
  ...frontend.dep.status,
  replicas: 4,
  updatedReplicas: 4,
  readyReplicas: 3,
  availableReplicas: 3,
  unavailableReplicas: 1,
}
frontend.rs.spec.replicas = 4
frontend.rs.status = { ...frontend.rs.status, replicas: 4, fullyLabeledReplicas: 4 }
shopObjects.find((o) => o.kind === 'HorizontalPodAutoscaler').status.desiredReplicas = 3

// --- data: a StatefulSet with its headless Service and a bound volume.
const pgUid = uid('sts')
const pgPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'postgres-0',
    namespace: 'data',
    uid: uid('pod'),
    creationTimestamp: '2026-11-10T08:00:00Z',
    labels: {
      app: 'postgres',
      'apps.kubernetes.io/pod-index': '0',
      'controller-revision-hash': 'postgres-6d5f8b7c9d',
      'statefulset.kubernetes.io/pod-name': 'postgres-0',
    },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: 'postgres',
        uid: pgUid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  },
  spec: {
    containers: [
      harden(
        {
          name: 'postgres',
          image: 'docker.io/library/postgres:16.4',
          ports: [{ containerPort: 5432, name: 'pg' }],
        },
        { port: 5432 },
      ),
    ],
    hostname: 'postgres-0',
    subdomain: 'postgres',
    nodeName: nodeNames[0],
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 60,
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-postgres-0' } }],
  },
  status: {
    phase: 'Running',
    podIP: '10.244.1.40',
    startTime: '2026-11-10T08:00:00Z',
    qosClass: 'Burstable',
    conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
      (type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-10T08:00:20Z' }),
    ),
    containerStatuses: [
      {
        containerID: 'containerd://' + 'a3'.repeat(32),
        image: 'docker.io/library/postgres:16.4',
        imageID: 'docker.io/library/postgres@sha256:' + 'b4'.repeat(32),
        lastState: {},
        name: 'postgres',
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: '2026-11-10T08:00:05Z' } },
      },
    ],
  },
}
pgPod.spec.containers[0].readinessProbe = {
  exec: { command: ['pg_isready', '-U', 'postgres'] },
  periodSeconds: 10,
  failureThreshold: 3,
}
pgPod.spec.containers[0].livenessProbe = {
  tcpSocket: { port: 5432 },
  periodSeconds: 20,
  failureThreshold: 6,
  initialDelaySeconds: 30,
}
pgPod.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/var/lib/postgresql/data' }]
pgPod.spec.containers[0].securityContext.runAsUser = 999
const pgSvc = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'postgres', namespace: 'data', uid: uid('svc'), creationTimestamp: CREATED },
  spec: {
    clusterIP: 'None',
    clusterIPs: ['None'],
    ports: [{ name: 'pg', port: 5432, targetPort: 5432, protocol: 'TCP' }],
    selector: { app: 'postgres' },
    type: 'ClusterIP',
  },
  status: { loadBalancer: {} },
}
const dataObjects = [
  namespace('data', { team: 'data' }),
  serviceAccount('data'),
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'postgres', namespace: 'data', uid: pgUid, generation: 2, creationTimestamp: CREATED },
    spec: {
      replicas: 1,
      serviceName: 'postgres',
      selector: { matchLabels: { app: 'postgres' } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: { metadata: { labels: { app: 'postgres' } }, spec: pgPod.spec },
      volumeClaimTemplates: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '20Gi' } },
            storageClassName: 'gp3',
          },
        },
      ],
    },
    status: {
      availableReplicas: 1,
      collisionCount: 0,
      currentReplicas: 1,
      currentRevision: 'postgres-6d5f8b7c9d',
      observedGeneration: 2,
      readyReplicas: 1,
      replicas: 1,
      updateRevision: 'postgres-6d5f8b7c9d',
      updatedReplicas: 1,
    },
  },
  pgPod,
  pgSvc,
  endpointSlice(pgSvc, [pgPod], 5432),
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: 'data-postgres-0',
      namespace: 'data',
      uid: uid('pvc'),
      creationTimestamp: '2026-09-01T08:00:10Z',
      labels: { app: 'postgres' },
      annotations: {
        'pv.kubernetes.io/bind-completed': 'yes',
        'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
      },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
      storageClassName: 'gp3',
      volumeMode: 'Filesystem',
      volumeName: 'pvc-0b7e5c1a-6f3d-4a8e-9c2b-1d4e5f6a7b8c',
    },
    status: { accessModes: ['ReadWriteOnce'], capacity: { storage: '20Gi' }, phase: 'Bound' },
  },
]

// --- batch: a CronJob whose last run completed; the Job and its pod are done.
const cronUid = uid('cj')
const jobUid = uid('job')
const batchObjects = [
  namespace('batch', { team: 'data' }),
  serviceAccount('batch'),
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly-report', namespace: 'batch', uid: cronUid, creationTimestamp: CREATED },
    spec: {
      schedule: '0 2 * * *',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      suspend: false,
      jobTemplate: {
        spec: {
          backoffLimit: 2,
          ttlSecondsAfterFinished: 86400,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'report',
                  image: 'registry.example.com/batch/report:1.8.0',
                  resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '512Mi' } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    runAsNonRoot: true,
                    runAsUser: 10001,
                    readOnlyRootFilesystem: true,
                    seccompProfile: { type: 'RuntimeDefault' },
                  },
                },
              ],
            },
          },
        },
      },
    },
    status: { lastScheduleTime: '2026-11-26T02:00:00Z', lastSuccessfulTime: '2026-11-26T02:03:41Z' },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'nightly-report-29400120',
      namespace: 'batch',
      uid: jobUid,
      creationTimestamp: '2026-11-26T02:00:00Z',
      labels: { 'job-name': 'nightly-report-29400120' },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: 'nightly-report',
          uid: cronUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      backoffLimit: 2,
      completions: 1,
      parallelism: 1,
      ttlSecondsAfterFinished: 86400,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'report', image: 'registry.example.com/batch/report:1.8.0' }],
        },
      },
    },
    status: {
      startTime: '2026-11-26T02:00:00Z',
      completionTime: '2026-11-26T02:03:41Z',
      succeeded: 1,
      ready: 0,
      terminating: 0,
      uncountedTerminatedPods: {},
      conditions: [
        {
          type: 'SuccessCriteriaMet',
          status: 'True',
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
          lastProbeTime: '2026-11-26T02:03:41Z',
          lastTransitionTime: '2026-11-26T02:03:41Z',
        },
        {
          type: 'Complete',
          status: 'True',
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
          lastProbeTime: '2026-11-26T02:03:41Z',
          lastTransitionTime: '2026-11-26T02:03:41Z',
        },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'nightly-report-29400120-7xk2m',
      namespace: 'batch',
      uid: uid('pod'),
      creationTimestamp: '2026-11-26T02:00:00Z',
      labels: {
        'job-name': 'nightly-report-29400120',
        'batch.kubernetes.io/job-name': 'nightly-report-29400120',
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          name: 'nightly-report-29400120',
          uid: jobUid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      restartPolicy: 'Never',
      nodeName: nodeNames[1],
      containers: [{ name: 'report', image: 'registry.example.com/batch/report:1.8.0' }],
    },
    status: {
      phase: 'Succeeded',
      startTime: '2026-11-26T02:00:00Z',
      conditions: [
        {
          type: 'PodReadyToStartContainers',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: '2026-11-26T02:03:42Z',
        },
        {
          type: 'Initialized',
          status: 'True',
          reason: 'PodCompleted',
          lastProbeTime: null,
          lastTransitionTime: '2026-11-26T02:00:00Z',
        },
        {
          type: 'Ready',
          status: 'False',
          reason: 'PodCompleted',
          lastProbeTime: null,
          lastTransitionTime: '2026-11-26T02:03:41Z',
        },
        {
          type: 'ContainersReady',
          status: 'False',
          reason: 'PodCompleted',
          lastProbeTime: null,
          lastTransitionTime: '2026-11-26T02:03:41Z',
        },
        {
          type: 'PodScheduled',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: '2026-11-26T02:00:00Z',
        },
      ],
      containerStatuses: [
        {
          containerID: 'containerd://' + 'c5'.repeat(32),
          image: 'registry.example.com/batch/report:1.8.0',
          imageID: 'registry.example.com/batch/report@sha256:' + 'd6'.repeat(32),
          lastState: {},
          name: 'report',
          ready: false,
          restartCount: 0,
          started: false,
          state: {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: '2026-11-26T02:00:03Z',
              finishedAt: '2026-11-26T02:03:40Z',
              containerID: 'containerd://' + 'c5'.repeat(32),
            },
          },
        },
      ],
    },
  },
]

// --- ingress-nginx: the controller, its LoadBalancer Service, its admission webhook with endpoints.
const ingress = deploymentSet('ingress-nginx', 'ingress-nginx-controller', {
  replicas: 2,
  image: 'registry.k8s.io/ingress-nginx/controller:v1.11.2',
  created: CREATED,
})
const ingressPods = [0, 1].map((i) =>
  ingress.podFor(i, { node: nodeNames[i], started: '2026-11-01T08:00:00Z' }),
)
const ingressSvc = {
  ...service('ingress-nginx', 'ingress-nginx-controller', {
    'app.kubernetes.io/name': 'ingress-nginx-controller',
  }),
  status: { loadBalancer: { ingress: [{ hostname: 'a1b2c3.elb.example.com' }] } },
}
ingressSvc.spec.type = 'LoadBalancer'
const admissionSvc = service(
  'ingress-nginx',
  'ingress-nginx-controller-admission',
  { 'app.kubernetes.io/name': 'ingress-nginx-controller' },
  443,
)
const ingressObjects = [
  namespace('ingress-nginx'),
  serviceAccount('ingress-nginx'),
  serviceAccount('ingress-nginx', 'ingress-nginx'),
  ingress.dep,
  ingress.rs,
  ...ingressPods,
  ingressSvc,
  admissionSvc,
  endpointSlice(ingressSvc, ingressPods),
  endpointSlice(admissionSvc, ingressPods, 8443),
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name: 'nginx',
      uid: uid('ic'),
      creationTimestamp: CREATED,
      annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
    },
    spec: { controller: 'k8s.io/ingress-nginx' },
  },
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: 'ingress-nginx-controller',
      namespace: 'ingress-nginx',
      uid: uid('pdb'),
      creationTimestamp: CREATED,
      generation: 1,
    },
    spec: {
      minAvailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx-controller' } },
    },
    status: {
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'True',
          reason: 'SufficientPods',
          message: '',
          lastTransitionTime: '2026-11-01T08:01:00Z',
          observedGeneration: 1,
        },
      ],
      currentHealthy: 2,
      desiredHealthy: 1,
      disruptionsAllowed: 1,
      expectedPods: 2,
      observedGeneration: 1,
    },
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'ingress-nginx-admission', uid: uid('vwc'), creationTimestamp: CREATED, generation: 1 },
    webhooks: [
      {
        name: 'validate.nginx.ingress.kubernetes.io',
        admissionReviewVersions: ['v1'],
        clientConfig: {
          service: {
            name: 'ingress-nginx-controller-admission',
            namespace: 'ingress-nginx',
            path: '/networking/v1/ingresses',
            port: 443,
          },
        },
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        namespaceSelector: {},
        objectSelector: {},
        rules: [
          {
            apiGroups: ['networking.k8s.io'],
            apiVersions: ['v1'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['ingresses'],
            scope: '*',
          },
        ],
        sideEffects: 'None',
        timeoutSeconds: 10,
      },
    ],
  },
]

// --- istio-system: istiod, its Service with endpoints, the injector webhook.
const istiod = deploymentSet('istio-system', 'istiod', {
  replicas: 2,
  image: `docker.io/istio/pilot:${ISTIO}`,
  created: CREATED,
  labels: { 'istio.io/rev': 'default', app: 'istiod' },
})
const istiodPods = [0, 1].map((i) =>
  istiod.podFor(i, { node: nodeNames[i + 1], started: '2026-11-01T08:00:00Z' }),
)
const istiodSvc = service('istio-system', 'istiod', { 'app.kubernetes.io/name': 'istiod' }, 15017)
const istioObjects = [
  namespace('istio-system'),
  serviceAccount('istio-system'),
  serviceAccount('istio-system', 'istiod'),
  istiod.dep,
  istiod.rs,
  ...istiodPods,
  istiodSvc,
  endpointSlice(istiodSvc, istiodPods, 15017),
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: 'istio-sidecar-injector',
      uid: uid('mwc'),
      creationTimestamp: CREATED,
      labels: { app: 'sidecar-injector', 'istio.io/rev': 'default' },
    },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.istio.io',
        admissionReviewVersions: ['v1'],
        clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 } },
        failurePolicy: 'Fail',
        namespaceSelector: {
          matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }],
        },
        objectSelector: {
          matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }],
        },
        reinvocationPolicy: 'Never',
        rules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' },
        ],
        sideEffects: 'None',
        timeoutSeconds: 10,
      },
    ],
  },
  {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: 'istio-system', uid: uid('pa'), creationTimestamp: CREATED },
    spec: { mtls: { mode: 'PERMISSIVE' } },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'cart', namespace: 'shop', uid: uid('dr'), creationTimestamp: CREATED },
    spec: {
      host: 'cart.shop.svc.cluster.local',
      trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 100 } } },
    },
  },
  {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'cart', namespace: 'shop', uid: uid('vs'), creationTimestamp: CREATED },
    spec: {
      hosts: ['cart'],
      http: [{ route: [{ destination: { host: 'cart', port: { number: 80 } } }], timeout: '5s' }],
    },
  },
]

// --- kube-system extras: the metrics API is served, the namespaces exist.
const apiServices = [
  {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: {
      name: 'v1beta1.metrics.k8s.io',
      uid: uid('apis'),
      creationTimestamp: CREATED,
      labels: { 'k8s-app': 'metrics-server' },
    },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      groupPriorityMinimum: 100,
      versionPriority: 100,
      insecureSkipTLSVerify: true,
      service: { name: 'metrics-server', namespace: 'kube-system', port: 443 },
    },
    status: {
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'Passed',
          message: 'all checks passed',
          lastTransitionTime: '2026-11-01T08:02:00Z',
        },
      ],
    },
  },
  {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: {
      name: 'v1.apps',
      uid: uid('apis'),
      creationTimestamp: CREATED,
      labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' },
    },
    spec: { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 },
    status: {
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'Local',
          message: 'Local APIServices are always available',
          lastTransitionTime: CREATED,
        },
      ],
    },
  },
]
const kubeDns = sys.services.find((s) => s.metadata.name === 'kube-dns')
const metricsSvc = sys.services.find((s) => s.metadata.name === 'metrics-server')
const systemObjects = [
  namespace('default'),
  namespace('kube-system'),
  namespace('kube-public'),
  namespace('kube-node-lease'),
  serviceAccount('default'),
  serviceAccount('kube-system'),
  serviceAccount('kube-system', 'coredns'),
  serviceAccount('kube-system', 'metrics-server'),
  serviceAccount('kube-system', 'kube-proxy'),
  ...sys.deployments,
  ...sys.replicasets,
  ...sys.daemonsets,
  ...sys.pods,
  ...sys.services,
  endpointSlice(
    kubeDns,
    sys.pods.filter((p) => p.metadata.name.startsWith('coredns')),
    53,
  ),
  endpointSlice(
    metricsSvc,
    sys.pods.filter((p) => p.metadata.name.startsWith('metrics-server')),
    443,
  ),
  ...apiServices,
  {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: 'gp3',
      uid: uid('sc'),
      creationTimestamp: CREATED,
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: 'ebs.csi.aws.com',
    parameters: { type: 'gp3' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: 'pvc-0b7e5c1a-6f3d-4a8e-9c2b-1d4e5f6a7b8c',
      uid: uid('pv'),
      creationTimestamp: '2026-09-01T08:00:12Z',
      annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com' },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '20Gi' },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: 'data-postgres-0',
        namespace: 'data',
      },
      csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: 'vol-0a1b2c3d4e5f' },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'gp3',
      volumeMode: 'Filesystem',
    },
    status: { phase: 'Bound' },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name: 'cluster-admin',
      uid: uid('cr'),
      creationTimestamp: CREATED,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {
      name: 'cluster-admin',
      uid: uid('crb'),
      creationTimestamp: CREATED,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'shop-readonly', uid: uid('cr'), creationTimestamp: CREATED },
    rules: [
      {
        apiGroups: ['', 'apps'],
        resources: ['pods', 'deployments', 'services'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'shop-team-readonly', namespace: 'shop', uid: uid('rb'), creationTimestamp: CREATED },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'shop-readonly' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-shop' }],
  },
]

// --- GitOps: an Argo CD Application and a Flux Kustomization, both in sync.
const gitopsObjects = [
  namespace('argocd'),
  {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'shop', namespace: 'argocd', uid: uid('app'), creationTimestamp: CREATED },
    spec: {
      project: 'default',
      destination: { namespace: 'shop', server: 'https://kubernetes.default.svc' },
      source: {
        repoURL: 'https://git.example.com/platform/shop.git',
        path: 'deploy',
        targetRevision: 'main',
      },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: { status: 'Synced', revision: '4f2a9c1' },
      health: { status: 'Healthy' },
      reconciledAt: '2026-11-26T09:58:00Z',
      operationState: {
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        startedAt: '2026-11-20T08:00:00Z',
        finishedAt: '2026-11-20T08:00:31Z',
      },
    },
  },
  namespace('flux-system'),
  {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name: 'data',
      namespace: 'flux-system',
      uid: uid('ks'),
      creationTimestamp: CREATED,
      generation: 3,
    },
    spec: {
      interval: '10m',
      path: './data',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'platform' },
      suspend: false,
    },
    status: {
      observedGeneration: 3,
      lastAppliedRevision: 'main@sha1:4f2a9c1',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ReconciliationSucceeded',
          message: 'Applied revision: main@sha1:4f2a9c1',
          lastTransitionTime: '2026-11-26T09:50:00Z',
          observedGeneration: 3,
        },
      ],
    },
  },
]

rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'nodes.json'), JSON.stringify(typed('NodeList', 'v1', nodes), null, 4))
writeFileSync(join(dir, 'system.json'), JSON.stringify(list(systemObjects), null, 4))
writeFileSync(join(dir, 'shop.json'), JSON.stringify(list(shopObjects), null, 4))
writeFileSync(join(dir, 'data.json'), JSON.stringify(list(dataObjects), null, 4))
writeFileSync(join(dir, 'batch.json'), JSON.stringify(list(batchObjects), null, 4))
writeFileSync(join(dir, 'ingress-nginx.json'), JSON.stringify(list(ingressObjects), null, 4))
writeFileSync(join(dir, 'istio-system.json'), JSON.stringify(list(istioObjects), null, 4))
writeFileSync(join(dir, 'gitops.json'), JSON.stringify(list(gitopsObjects), null, 4))
console.log(`wrote ${dir}`)
