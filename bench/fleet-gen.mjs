// Generates a synthetic fleet of `kubectl get -A -o json`-style dumps for the benchmarks.
// Objects look like real API output (labels, owner references, status, conditions, events), and a
// few percent of them carry the problems the built-in detectors look for, so detectors do work.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

function rng(seed) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const T0 = Date.parse('2026-03-01T12:00:00Z')
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const hex = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('')
const uid = (r) => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`

function list(items) {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }
}

function nodeObj(r, name) {
  const pressure = r() < 0.02
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: uid(r),
      resourceVersion: String(Math.floor(r() * 1e7)),
      creationTimestamp: iso(T0 - 90 * 864e5),
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'node.kubernetes.io/instance-type': 'm5.2xlarge',
        'topology.kubernetes.io/zone': `eu-west-1${'abc'[Math.floor(r() * 3)]}`,
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: '10.244.1.0/24', providerID: `aws:///eu-west-1a/i-${hex(r, 17)}` },
    status: {
      addresses: [
        { address: `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`, type: 'InternalIP' },
        { address: name, type: 'Hostname' },
      ],
      allocatable: { cpu: '7910m', 'ephemeral-storage': '95551679124', memory: '31482412Ki', pods: '110' },
      capacity: { cpu: '8', 'ephemeral-storage': '103797740Ki', memory: '32408108Ki', pods: '110' },
      conditions: [
        {
          type: 'MemoryPressure',
          status: pressure ? 'True' : 'False',
          reason: pressure ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
          lastHeartbeatTime: iso(T0 - 30e3),
          lastTransitionTime: iso(T0 - 30 * 864e5),
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
          lastHeartbeatTime: iso(T0 - 30e3),
          lastTransitionTime: iso(T0 - 30 * 864e5),
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available',
          lastHeartbeatTime: iso(T0 - 30e3),
          lastTransitionTime: iso(T0 - 30 * 864e5),
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: iso(T0 - 30e3),
          lastTransitionTime: iso(T0 - 30 * 864e5),
        },
      ],
      nodeInfo: {
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.7.22',
        kernelVersion: '6.1.109',
        kubeProxyVersion: 'v1.30.4',
        kubeletVersion: 'v1.30.4',
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023',
      },
      images: [
        {
          names: [
            'registry.example.com/shop/api@sha256:' + hex(r, 64),
            'registry.example.com/shop/api:1.4.2',
          ],
          sizeBytes: 182736451,
        },
      ],
    },
  }
}

function podObj(r, ns, app, rsName, rsUid, nodeName, i) {
  const name = `${rsName}-${hex(r, 5)}`
  const started = iso(T0 - Math.floor(r() * 20 * 864e5))
  const roll = r()
  const crash = roll < 0.01
  const pull = roll >= 0.01 && roll < 0.015
  const cs = {
    containerID: `containerd://${hex(r, 64)}`,
    image: `registry.example.com/${ns}/${app}:1.${i % 7}.0`,
    imageID: `registry.example.com/${ns}/${app}@sha256:${hex(r, 64)}`,
    lastState: crash
      ? {
          terminated: {
            exitCode: 137,
            reason: 'OOMKilled',
            startedAt: started,
            finishedAt: started,
            containerID: `containerd://${hex(r, 64)}`,
          },
        }
      : {},
    name: 'app',
    ready: !(crash || pull),
    restartCount: crash ? 12 : 0,
    started: !(crash || pull),
    state: crash
      ? {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off 5m0s restarting failed container=app pod=${name}_${ns}(${uid(r)})`,
          },
        }
      : pull
        ? {
            waiting: {
              reason: 'ImagePullBackOff',
              message: `Back-off pulling image "registry.example.com/${ns}/${app}:1.${i % 7}.0"`,
            },
          }
        : { running: { startedAt: started } },
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: started,
      generateName: `${rsName}-`,
      labels: { app, 'app.kubernetes.io/name': app, 'pod-template-hash': rsName.slice(-10) },
      annotations: {
        'kubectl.kubernetes.io/restartedAt': started,
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
      },
      name,
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
      resourceVersion: String(Math.floor(r() * 1e7)),
      uid: uid(r),
    },
    spec: {
      containers: [
        {
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: `${app}-db` } } },
          ],
          image: `registry.example.com/${ns}/${app}:1.${i % 7}.0`,
          imagePullPolicy: 'IfNotPresent',
          livenessProbe: {
            failureThreshold: 3,
            httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
            periodSeconds: 10,
            successThreshold: 1,
            timeoutSeconds: 1,
          },
          name: 'app',
          ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
          readinessProbe: {
            failureThreshold: 3,
            httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' },
            periodSeconds: 5,
            successThreshold: 1,
            timeoutSeconds: 1,
          },
          resources: { limits: { memory: '512Mi' }, requests: { cpu: '100m', memory: '256Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          volumeMounts: [
            {
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              name: `kube-api-access-${hex(r, 5)}`,
              readOnly: true,
            },
          ],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      nodeName,
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
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 420,
            sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }],
          },
        },
      ],
    },
    status: {
      conditions: [
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
          status: crash || pull ? 'False' : 'True',
          type: 'Ready',
        },
        {
          lastProbeTime: null,
          lastTransitionTime: started,
          status: crash || pull ? 'False' : 'True',
          type: 'ContainersReady',
        },
        { lastProbeTime: null, lastTransitionTime: started, status: 'True', type: 'PodScheduled' },
      ],
      containerStatuses: [cs],
      hostIP: '10.0.1.17',
      phase: 'Running',
      podIP: `10.244.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
      qosClass: 'Burstable',
      startTime: started,
    },
  }
}

/** Writes one cluster's dump files; returns its object count. */
export function generateCluster(dir, name, { pods, seed }) {
  const r = rng(seed)
  mkdirSync(dir, { recursive: true })
  const nodeCount = Math.max(3, Math.ceil(pods / 60))
  const nodes = Array.from({ length: nodeCount }, (_, i) => nodeObj(r, `${name}-node-${i}`))
  const perDeploy = 5
  const deploys = Math.ceil(pods / perDeploy)
  const podItems = []
  const depItems = []
  const rsItems = []
  const svcItems = []
  const hpaItems = []
  const events = []
  for (let d = 0; d < deploys; d++) {
    const ns = `team-${d % 20}`
    const app = `svc-${d}`
    const depUid = uid(r)
    const rsName = `${app}-${hex(r, 10)}`
    const rsUid = uid(r)
    const failing = r() < 0.02
    depItems.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: app,
        namespace: ns,
        uid: depUid,
        generation: 3,
        creationTimestamp: iso(T0 - 60 * 864e5),
        labels: { app },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
      },
      spec: {
        replicas: perDeploy,
        selector: { matchLabels: { app } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          metadata: { labels: { app } },
          spec: {
            containers: [
              {
                name: 'app',
                image: `registry.example.com/${ns}/${app}:1.0.0`,
                resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              },
            ],
          },
        },
      },
      status: {
        observedGeneration: 3,
        replicas: perDeploy,
        updatedReplicas: perDeploy,
        readyReplicas: failing ? perDeploy - 2 : perDeploy,
        availableReplicas: failing ? perDeploy - 2 : perDeploy,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
            lastTransitionTime: iso(T0 - 864e5),
            lastUpdateTime: iso(T0 - 864e5),
          },
          failing
            ? {
                type: 'ReplicaFailure',
                status: 'True',
                reason: 'FailedCreate',
                message: `pods "${rsName}-x" is forbidden: exceeded quota: compute, requested: requests.cpu=100m, used: requests.cpu=20, limited: requests.cpu=20`,
                lastTransitionTime: iso(T0 - 36e5),
                lastUpdateTime: iso(T0 - 36e5),
              }
            : {
                type: 'Progressing',
                status: 'True',
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${rsName}" has successfully progressed.`,
                lastTransitionTime: iso(T0 - 864e5),
                lastUpdateTime: iso(T0 - 864e5),
              },
        ],
      },
    })
    rsItems.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: ns,
        uid: rsUid,
        labels: { app },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: app,
            uid: depUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        creationTimestamp: iso(T0 - 864e5),
      },
      spec: { replicas: perDeploy, selector: { matchLabels: { app } } },
      status: {
        replicas: perDeploy,
        readyReplicas: perDeploy,
        availableReplicas: perDeploy,
        observedGeneration: 1,
      },
    })
    svcItems.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: app, namespace: ns, uid: uid(r), creationTimestamp: iso(T0 - 60 * 864e5) },
      spec: {
        clusterIP: `10.96.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`,
        ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }],
        selector: { app },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    })
    if (d % 3 === 0)
      hpaItems.push({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: app, namespace: ns, uid: uid(r), creationTimestamp: iso(T0 - 60 * 864e5) },
        spec: {
          minReplicas: 2,
          maxReplicas: 10,
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app },
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
            },
          ],
        },
        status: {
          currentReplicas: perDeploy,
          desiredReplicas: perDeploy,
          conditions: [
            {
              type: 'AbleToScale',
              status: 'True',
              reason: 'ReadyForNewScale',
              lastTransitionTime: iso(T0 - 864e5),
            },
            {
              type: 'ScalingActive',
              status: 'True',
              reason: 'ValidMetricFound',
              lastTransitionTime: iso(T0 - 864e5),
            },
          ],
        },
      })
    for (let p = 0; p < perDeploy && podItems.length < pods; p++) {
      const pod = podObj(r, ns, app, rsName, rsUid, nodes[Math.floor(r() * nodes.length)].metadata.name, d)
      podItems.push(pod)
      if (pod.status.containerStatuses[0].state.waiting)
        events.push({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: {
            name: `${pod.metadata.name}.${hex(r, 16)}`,
            namespace: ns,
            uid: uid(r),
            creationTimestamp: iso(T0 - 6e5),
          },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Pod',
            name: pod.metadata.name,
            namespace: ns,
            uid: pod.metadata.uid,
            fieldPath: 'spec.containers{app}',
          },
          reason: 'BackOff',
          message: 'Back-off restarting failed container app',
          type: 'Warning',
          count: 40,
          firstTimestamp: iso(T0 - 36e5),
          lastTimestamp: iso(T0 - 6e4),
          source: { component: 'kubelet', host: pod.spec.nodeName },
        })
    }
  }
  const files = {
    'nodes.json': nodes,
    'pods.json': podItems,
    'deployments.json': depItems,
    'replicasets.json': rsItems,
    'services.json': svcItems,
    'hpa.json': hpaItems,
    'events.json': events,
  }
  let objects = 0
  for (const [f, items] of Object.entries(files)) {
    writeFileSync(join(dir, f), JSON.stringify(list(items), null, 4))
    objects += items.length
  }
  return objects
}

/** Writes a fleet of `clusters` clusters of `pods` pods each under `root`. */
export function generateFleet(root, { clusters, pods }) {
  let objects = 0
  for (let c = 0; c < clusters; c++)
    objects += generateCluster(join(root, `cluster-${String(c).padStart(3, '0')}`), `cluster-${c}`, {
      pods,
      seed: 1000 + c,
    })
  return objects
}
