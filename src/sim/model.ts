// The objects of one simulated cluster, derived on demand from (seed, variant, shape, index): no
// cluster's objects are held in memory, so a simulator can serve ten thousand clusters.
//
// Every kind is a numbered sequence whose keys (`namespace/name`) increase with the index, as the
// API server's etcd keys do, so a `continue` token (which names the last key served) maps back to
// an index by binary search.
import { hash, hex, pad, safeSuffix, suffixSpace, templateHash, uid, unit } from './random.js'

/** How big a simulated cluster is and how it misbehaves. */
export interface ClusterShape {
  /** Worker nodes. */
  nodes: number
  /** Pods in all (kube-system ones included: coredns and one kube-proxy per node). */
  pods: number
  /** Extra bytes per pod (an annotation), to make objects as heavy as yours. */
  padding: number
  /**
   * Fraction of application Deployments with a crash-looping pod (and its Warning events); also
   * the default of `flapping`.
   */
  problems: number
  /** Events per pod (the first may be a Warning, the others are Normal). */
  eventsPerPod: number
  /**
   * Fraction of nodes whose readiness flaps: NotReady and back three times in the last 12 minutes,
   * as their Normal NodeNotReady and NodeReady events (kubelet and node controller) say; default
   * `problems`.
   */
  flapping?: number
  /** Replicas of each application Deployment; default 3. */
  replicas?: number
}

/** A generated object, as the API server puts it in a list (without kind and apiVersion). */
export type Obj = Record<string, unknown>

/** One kind's objects in a cluster. */
export interface KindSource {
  /** Number of objects. */
  count: number
  /** The object's storage key (`namespace/name`, or `name`); increasing with the index. */
  key(i: number): string
  /** The object at index `i` (0 ≤ i < count). */
  item(i: number): Obj
  /**
   * The value of a field selector's field (events only: core v1 names, `type`,
   * `involvedObject.kind`, `reason`…, as kube-apiserver's event field set; "" when the event has none).
   */
  field?(i: number, name: string): string
}

/**
 * The events of a flapping node, in the order of their names (first seen): the node controller's
 * NodeNotReady (the node stopped posting its status), the kubelet's NodeNotReady and NodeReady.
 */
const NODE_FLAP_EVENTS: readonly (readonly [reason: string, component: string])[] = [
  ['NodeNotReady', 'node-controller'],
  ['NodeNotReady', 'kubelet'],
  ['NodeReady', 'kubelet'],
]

/** Application Deployments per team namespace. */
const DEPLOYS_PER_NS = 10
const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system']
const CA_PEM =
  '-----BEGIN CERTIFICATE-----\n' +
  'MIIDBTCCAe2gAwIBAgIIZ3NpbXVsYXRlZDANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJlcm5ldGVz\n'.repeat(14) +
  '-----END CERTIFICATE-----\n'
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']
const IMAGES = [
  'registry.example.com/shop/web',
  'registry.example.com/shop/api',
  'registry.example.com/shop/worker',
  'registry.example.com/payments/ledger',
  'registry.example.com/search/indexer',
  'docker.io/library/nginx',
  'docker.io/library/redis',
]

const ts = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')

/** What an event says, in either API's form (see {@link eventObject}). */
interface EventParts {
  meta: Obj
  involved: Obj
  reason: string
  message: string
  type: 'Normal' | 'Warning'
  /** The reporting component; `host` the node it runs on (the kubelet's), none for a controller. */
  component: string
  host: string | undefined
}

/**
 * An event as the API server serves it: core v1 (with the managedFields its reporter's apply left)
 * or its events.k8s.io/v1 form (the same object: `regarding`, `note`, the deprecated* fields).
 * `first`/`last`/`count` are the aggregated repeats.
 */
function eventObject(
  e: EventParts,
  seen: { first: number; last: number; count: number },
  newApi: boolean,
): Obj {
  const { meta, involved, reason, message, type, component, host } = e
  const { first, last, count } = seen
  const source: Obj = host === undefined ? { component } : { component, host }
  if (newApi)
    return {
      metadata: meta,
      eventTime: null,
      reportingController: component,
      reportingInstance: host ?? '',
      regarding: involved,
      reason,
      note: message,
      type,
      deprecatedSource: source,
      deprecatedFirstTimestamp: ts(first),
      deprecatedLastTimestamp: ts(last),
      deprecatedCount: count,
    }
  meta.managedFields = [
    managed(component, ts(last), {
      count,
      firstTimestamp: 1,
      involvedObject: involved,
      lastTimestamp: 1,
      message,
      reason,
      reportingComponent: 1,
      reportingInstance: 1,
      source: host === undefined ? { component: 1 } : { component: 1, host: 1 },
      type: 1,
    }),
  ]
  return {
    metadata: meta,
    involvedObject: involved,
    reason,
    message,
    source,
    firstTimestamp: ts(first),
    lastTimestamp: ts(last),
    count,
    type,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: host ?? '',
  }
}

/** The `managedFields` entry a manager leaves: its field set mirrors the object's fields. */
function managed(manager: string, time: string, fields: Obj, subresource?: string): Obj {
  const e: Obj = {
    manager,
    operation: 'Update',
    apiVersion: 'v1',
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: fieldSet(fields),
  }
  if (subresource) e.subresource = subresource
  return e
}

function fieldSet(v: unknown): Obj {
  const out: Obj = {}
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out
  for (const [k, x] of Object.entries(v as Obj)) {
    if (Array.isArray(x)) {
      const inner: Obj = { '.': {} }
      for (const el of x) {
        if (el && typeof el === 'object') {
          const e = el as Obj
          const idKey = ['name', 'type', 'ip', 'containerPort', 'key'].find((f) => f in e)
          if (idKey) inner[`k:${JSON.stringify({ [idKey]: e[idKey] })}`] = { '.': {}, ...fieldSet(e) }
        } else inner[`v:${JSON.stringify(el)}`] = {}
      }
      out[`f:${k}`] = x.some((el) => el && typeof el === 'object') ? inner : {}
    } else if (x && typeof x === 'object') out[`f:${k}`] = { '.': {}, ...fieldSet(x) }
    else out[`f:${k}`] = {}
  }
  return out
}

/** The layout of one cluster: where every object sits in each kind's sequence. */
export class ClusterModel {
  readonly seed: number
  /** The instant the cluster's timestamps are relative to (ms). */
  readonly now: number
  readonly shape: ClusterShape
  readonly nodes: number
  readonly corednsPods: number
  readonly proxyPods: number
  readonly appPods: number
  /** Replicas of each application Deployment. */
  readonly replicas: number
  /** Application Deployments. */
  readonly deploys: number
  /** Team namespaces (`team-000`…). */
  readonly teams: number
  private readonly nodeWidth: number
  private readonly deployWidth: number
  private readonly teamWidth: number
  private readonly proxyStride: number
  private readonly podStride: number
  private readonly sources = new Map<string, KindSource>()
  readonly resourceVersion: number
  /** Nodes whose readiness flaps (indices, ascending). */
  readonly flappingNodes: readonly number[]

  constructor(seed: number, variant: number, shape: ClusterShape, now: number) {
    this.seed = hash(seed, 'variant', variant)
    this.now = now
    this.shape = shape
    this.nodes = Math.max(0, Math.floor(shape.nodes))
    const pods = Math.max(0, Math.floor(shape.pods))
    this.proxyPods = Math.min(this.nodes, pods)
    this.corednsPods = Math.min(2, pods - this.proxyPods)
    this.appPods = pods - this.proxyPods - this.corednsPods
    this.replicas = Math.max(1, Math.floor(shape.replicas ?? 3))
    this.deploys = Math.ceil(this.appPods / this.replicas)
    this.teams = Math.ceil(this.deploys / DEPLOYS_PER_NS)
    this.nodeWidth = Math.max(3, String(Math.max(0, this.nodes - 1)).length)
    this.deployWidth = Math.max(4, String(Math.max(0, this.deploys - 1)).length)
    this.teamWidth = Math.max(3, String(Math.max(0, this.teams - 1)).length)
    this.proxyStride = Math.max(1, Math.floor(suffixSpace(5) / Math.max(1, this.proxyPods)))
    this.podStride = Math.max(1, Math.floor(suffixSpace(5) / this.replicas))
    this.resourceVersion = 100_000 + (hash(this.seed, 'rv') % 900_000)
    const flapping = shape.flapping ?? shape.problems
    this.flappingNodes = Array.from({ length: this.nodes }, (_, n) => n).filter(
      (n) => unit(hash(this.seed, 'flap', n)) < flapping,
    )
    this.define()
  }

  /** The objects of a resource (`pods`, `apps/deployments`); undefined when none are generated. */
  source(groupResource: string): KindSource | undefined {
    return this.sources.get(groupResource)
  }

  // ----- names ---------------------------------------------------------------------------------

  nodeName(n: number): string {
    return `node-${pad(n, this.nodeWidth)}`
  }
  private teamNs(t: number): string {
    return `team-${pad(t, this.teamWidth)}`
  }
  private deployNs(d: number): string {
    return this.teamNs(Math.floor(d / DEPLOYS_PER_NS))
  }
  private deployName(d: number): string {
    return `app-${pad(d, this.deployWidth)}`
  }
  private replicasOf(d: number): number {
    return d === this.deploys - 1 ? this.appPods - this.replicas * (this.deploys - 1) : this.replicas
  }
  /** The pod-template-hash of a Deployment's current (`cur`) or previous ReplicaSet; -1 is coredns. */
  private rsHash(d: number, cur: boolean): string {
    return templateHash(this.seed, d, cur ? 1 : 0)
  }
  private created(...parts: (number | string)[]): number {
    // Between 2 and 90 days old.
    return this.now - (2 + unit(hash(this.seed, 'age', ...parts)) * 88) * 86_400_000
  }
  private rv(...parts: (number | string)[]): string {
    return String(this.resourceVersion - 1 - (hash(this.seed, 'orv', ...parts) % 90_000))
  }
  private problem(d: number): boolean {
    return unit(hash(this.seed, 'problem', d)) < this.shape.problems
  }
  private imageOf(d: number): string {
    const h = hash(this.seed, 'img', d)
    return `${IMAGES[h % IMAGES.length]}:1.${h % 17}.${(h >>> 8) % 9}`
  }
  private ip(prefix: string, n: number): string {
    return `${prefix}.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`
  }

  // ----- pods ----------------------------------------------------------------------------------

  /** What pod `i` is: its owner, namespace, name and node. */
  private podAt(i: number): {
    ns: string
    name: string
    node: number
    app: string
    owner: 'ReplicaSet' | 'DaemonSet'
    ownerName: string
    ownerUid: string
    hashLabel?: string
    d: number
    replica: number
    crash: boolean
  } {
    if (i < this.corednsPods) {
      const h = this.rsHash(-1, true)
      return {
        ns: 'kube-system',
        name: `coredns-${h}-${safeSuffix(i * 5_000_000 + (hash(this.seed, 'cdns', i) % 5_000_000), 5)}`,
        node: hash(this.seed, 'cdnsnode', i) % Math.max(1, this.nodes),
        app: 'kube-dns',
        owner: 'ReplicaSet',
        ownerName: `coredns-${h}`,
        ownerUid: uid(this.seed, 'rs', -1, 1),
        hashLabel: h,
        d: -1,
        replica: i,
        crash: false,
      }
    }
    i -= this.corednsPods
    if (i < this.proxyPods) {
      const s = this.proxyStride
      return {
        ns: 'kube-system',
        name: `kube-proxy-${safeSuffix(i * s + (hash(this.seed, 'kp', i) % s), 5)}`,
        node: i,
        app: 'kube-proxy',
        owner: 'DaemonSet',
        ownerName: 'kube-proxy',
        ownerUid: uid(this.seed, 'ds', 'kube-proxy'),
        d: -2,
        replica: i,
        crash: false,
      }
    }
    i -= this.proxyPods
    const d = Math.floor(i / this.replicas)
    const r = i % this.replicas
    const h = this.rsHash(d, true)
    return {
      ns: this.deployNs(d),
      name: `${this.deployName(d)}-${h}-${safeSuffix(r * this.podStride + (hash(this.seed, 'pod', d, r) % this.podStride), 5)}`,
      node: hash(this.seed, 'node', d, r) % Math.max(1, this.nodes),
      app: this.deployName(d),
      owner: 'ReplicaSet',
      ownerName: `${this.deployName(d)}-${h}`,
      ownerUid: uid(this.seed, 'rs', d, 1),
      hashLabel: h,
      d,
      replica: r,
      crash: r === 0 && this.problem(d),
    }
  }

  private container(d: number, kind: 'app' | 'coredns' | 'kube-proxy'): Obj {
    if (kind === 'coredns')
      return {
        name: 'coredns',
        image: 'registry.k8s.io/coredns/coredns:v1.11.3',
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: [
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
        ],
        resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
        volumeMounts: [{ name: 'config-volume', readOnly: true, mountPath: '/etc/coredns' }],
        livenessProbe: {
          httpGet: { path: '/health', port: 8080, scheme: 'HTTP' },
          initialDelaySeconds: 60,
          timeoutSeconds: 5,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 5,
        },
        readinessProbe: {
          httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' },
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: {
          capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        },
      }
    if (kind === 'kube-proxy')
      return {
        name: 'kube-proxy',
        image: 'registry.k8s.io/kube-proxy:v1.32.13',
        command: [
          '/usr/local/bin/kube-proxy',
          '--config=/var/lib/kube-proxy/config.conf',
          '--hostname-override=$(NODE_NAME)',
        ],
        env: [
          { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
        ],
        resources: {},
        volumeMounts: [
          { name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' },
          { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
          { name: 'lib-modules', readOnly: true, mountPath: '/lib/modules' },
        ],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        imagePullPolicy: 'IfNotPresent',
        securityContext: { privileged: true },
      }
    const h = hash(this.seed, 'res', d)
    const cpu = [50, 100, 250, 500][h % 4]!
    const mem = [64, 128, 256, 512][(h >>> 4) % 4]!
    return {
      name: 'app',
      image: this.imageOf(d),
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'CONFIG_PATH', value: '/etc/app/config.yaml' },
      ],
      resources: { limits: { memory: `${mem * 2}Mi` }, requests: { cpu: `${cpu}m`, memory: `${mem}Mi` } },
      volumeMounts: [{ name: 'config', readOnly: true, mountPath: '/etc/app' }],
      livenessProbe: {
        httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
      },
      readinessProbe: {
        httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' },
        timeoutSeconds: 1,
        periodSeconds: 5,
        successThreshold: 1,
        failureThreshold: 3,
      },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
      securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false },
    }
  }

  private podTemplate(d: number, kind: 'app' | 'coredns' | 'kube-proxy', hashLabel?: string): Obj {
    const labels: Record<string, string> =
      kind === 'app'
        ? { app: this.deployName(d) }
        : kind === 'coredns'
          ? { 'k8s-app': 'kube-dns' }
          : { 'k8s-app': 'kube-proxy' }
    if (hashLabel) labels['pod-template-hash'] = hashLabel
    const volumes: Obj[] =
      kind === 'app'
        ? [{ name: 'config', configMap: { name: `${this.deployName(d)}-config`, defaultMode: 420 } }]
        : kind === 'coredns'
          ? [
              {
                name: 'config-volume',
                configMap: {
                  name: 'coredns',
                  items: [{ key: 'Corefile', path: 'Corefile' }],
                  defaultMode: 420,
                },
              },
            ]
          : [
              { name: 'kube-proxy', configMap: { name: 'kube-proxy', defaultMode: 420 } },
              { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
              { name: 'lib-modules', hostPath: { path: '/lib/modules', type: '' } },
            ]
    const spec: Obj = {
      volumes,
      containers: [this.container(d, kind)],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: kind === 'coredns' ? 'Default' : 'ClusterFirst',
    }
    if (kind === 'kube-proxy') spec.nodeSelector = { 'kubernetes.io/os': 'linux' }
    spec.serviceAccountName = kind === 'app' ? 'default' : kind
    spec.serviceAccount = spec.serviceAccountName
    if (kind === 'kube-proxy') spec.hostNetwork = true
    spec.securityContext = {}
    spec.schedulerName = 'default-scheduler'
    if (kind !== 'app') {
      spec.tolerations =
        kind === 'coredns'
          ? [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            ]
          : [{ operator: 'Exists' }]
      spec.priorityClassName = kind === 'coredns' ? 'system-cluster-critical' : 'system-node-critical'
    }
    return { metadata: { creationTimestamp: null, labels }, spec }
  }

  private pod(i: number): Obj {
    const p = this.podAt(i)
    const kind = p.d === -1 ? 'coredns' : p.d === -2 ? 'kube-proxy' : 'app'
    const tpl = this.podTemplate(p.d, kind, p.hashLabel)
    // A pod is younger than its ReplicaSet (made a day after its Deployment) or its node.
    const created =
      (p.d === -2 ? this.created('node', p.node) + 60_000 : this.created('deploy', p.d) + 86_400_000) +
      (hash(this.seed, 'pod-age', i) % 3_600_000)
    const started = created + 4_000
    const nodeName = this.nodeName(p.node)
    const hostIP = this.ip('10.0', p.node)
    const podIP =
      kind === 'kube-proxy' ? hostIP : this.ip(`10.${(244 + (p.node % 8)) % 256}`, hash(this.seed, 'pip', i))
    const token = `kube-api-access-${safeSuffix(hash(this.seed, 'kaa', i) % suffixSpace(5), 5)}`
    const tplSpec = tpl.spec as Obj
    const tplMeta = tpl.metadata as Obj
    const labels = { ...(tplMeta.labels as Obj) }
    if (kind === 'kube-proxy') {
      labels['controller-revision-hash'] = '6f4d8b9c7'
      labels['pod-template-generation'] = '1'
    }
    const containers = (tplSpec.containers as Obj[]).map((c): Obj => ({
      ...c,
      volumeMounts: [
        ...((c.volumeMounts as Obj[]) ?? []),
        { name: token, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      ],
    }))
    const volumes = [
      ...(tplSpec.volumes as Obj[]),
      {
        name: token,
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [
                  { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
                ],
              },
            },
          ],
          defaultMode: 420,
        },
      },
    ]
    const spec: Obj = { ...tplSpec, volumes, containers, nodeName }
    // Fields the API server fills in, in its order.
    const ordered: Obj = {}
    for (const k of [
      'volumes',
      'containers',
      'restartPolicy',
      'terminationGracePeriodSeconds',
      'dnsPolicy',
      'nodeSelector',
      'serviceAccountName',
      'serviceAccount',
      'nodeName',
      'hostNetwork',
      'securityContext',
      'affinity',
      'schedulerName',
      'tolerations',
      'priorityClassName',
      'priority',
      'enableServiceLinks',
      'preemptionPolicy',
    ]) {
      if (k === 'affinity' && kind === 'kube-proxy') {
        ordered.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
              ],
            },
          },
        }
        continue
      }
      if (k === 'tolerations') {
        const base = (spec.tolerations as Obj[] | undefined) ?? []
        ordered.tolerations =
          kind === 'kube-proxy'
            ? [
                ...base,
                ...[
                  'not-ready',
                  'unreachable',
                  'disk-pressure',
                  'memory-pressure',
                  'pid-pressure',
                  'unschedulable',
                ].map((t) => ({
                  key: `node.kubernetes.io/${t}`,
                  operator: 'Exists',
                  effect: t === 'not-ready' || t === 'unreachable' ? 'NoExecute' : 'NoSchedule',
                })),
                { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' },
              ]
            : [
                ...base,
                {
                  key: 'node.kubernetes.io/not-ready',
                  operator: 'Exists',
                  effect: 'NoExecute',
                  tolerationSeconds: 300,
                },
                {
                  key: 'node.kubernetes.io/unreachable',
                  operator: 'Exists',
                  effect: 'NoExecute',
                  tolerationSeconds: 300,
                },
              ]
        continue
      }
      if (k === 'priority') {
        ordered.priority = kind === 'coredns' ? 2000000000 : kind === 'kube-proxy' ? 2000001000 : 0
        continue
      }
      if (k === 'enableServiceLinks') {
        ordered.enableServiceLinks = true
        continue
      }
      if (k === 'preemptionPolicy') {
        ordered.preemptionPolicy = 'PreemptLowerPriority'
        continue
      }
      if (spec[k] !== undefined) ordered[k] = spec[k]
    }
    const c = containers[0]!
    const ready = !p.crash
    const tr = (dt: number) => ts(created + dt)
    const conditions = [
      {
        type: 'PodReadyToStartContainers',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: tr(3_000),
      },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: tr(1_000) },
      ready
        ? { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: tr(9_000) }
        : {
            type: 'Ready',
            status: 'False',
            lastProbeTime: null,
            lastTransitionTime: ts(this.now - 1_800_000),
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${c.name as string}]`,
          },
      ready
        ? { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: tr(9_000) }
        : {
            type: 'ContainersReady',
            status: 'False',
            lastProbeTime: null,
            lastTransitionTime: ts(this.now - 1_800_000),
            reason: 'ContainersNotReady',
            message: `containers with unready status: [${c.name as string}]`,
          },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: tr(0) },
    ]
    const imageRef = (c.image as string).replace(/:[^:/]*$/, '')
    const containerStatus: Obj = {
      name: c.name,
      state: p.crash
        ? {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 5m0s restarting failed container=${c.name as string} pod=${p.name}_${p.ns}(${uid(this.seed, 'pod', i)})`,
            },
          }
        : { running: { startedAt: ts(started) } },
      lastState: p.crash
        ? {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: ts(this.now - 420_000),
              finishedAt: ts(this.now - 400_000),
              containerID: `containerd://${hex(this.seed, 64, 'lcid', i)}`,
            },
          }
        : {},
      ready,
      restartCount: p.crash ? 14 : 0,
      image: c.image,
      imageID: `${imageRef}@sha256:${hex(this.seed, 64, 'digest', p.d)}`,
      containerID: `containerd://${hex(this.seed, 64, 'cid', i)}`,
      started: ready,
      volumeMounts: (c.volumeMounts as Obj[]).map((m) => ({
        name: m.name,
        mountPath: m.mountPath,
        ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
      })),
    }
    const status: Obj = {
      phase: 'Running',
      conditions,
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: ts(created + 1_000),
      containerStatuses: [containerStatus],
      qosClass: kind === 'kube-proxy' ? 'BestEffort' : 'Burstable',
    }
    const meta: Obj = {
      name: p.name,
      generateName: p.name.slice(0, p.name.length - 5),
      namespace: p.ns,
      uid: uid(this.seed, 'pod', i),
      resourceVersion: this.rv('pod', i),
      creationTimestamp: ts(created),
      labels,
    }
    if (this.shape.padding > 0)
      meta.annotations = { 'sim.kubedac.io/padding': 'x'.repeat(Math.floor(this.shape.padding)) }
    meta.ownerReferences = [
      {
        apiVersion: 'apps/v1',
        kind: p.owner,
        name: p.ownerName,
        uid: p.ownerUid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]
    meta.managedFields = [
      managed('kube-controller-manager', ts(created), {
        metadata: { generateName: 1, labels, ownerReferences: meta.ownerReferences },
        spec: ordered,
      }),
      managed('kubelet', ts(p.crash ? this.now - 400_000 : started), { status }, 'status'),
    ]
    return { metadata: meta, spec: ordered, status }
  }

  // ----- workloads -----------------------------------------------------------------------------

  private deployment(i: number): Obj {
    const d = i - 1 // index 0 is coredns
    const isDns = d < 0
    const name = isDns ? 'coredns' : this.deployName(d)
    const ns = isDns ? 'kube-system' : this.deployNs(d)
    const replicas = isDns ? this.corednsPods : this.replicasOf(d)
    const crash = !isDns && this.problem(d)
    const created = this.created('deploy', d)
    const tpl = this.podTemplate(d, isDns ? 'coredns' : 'app')
    const selector = isDns ? { matchLabels: { 'k8s-app': 'kube-dns' } } : { matchLabels: { app: name } }
    const labels = isDns ? { 'k8s-app': 'kube-dns' } : { app: name, team: ns }
    const hashCur = this.rsHash(isDns ? -1 : d, true)
    const available = crash ? replicas - 1 : replicas
    const spec = {
      replicas,
      selector,
      template: tpl,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    }
    const status: Obj = {
      observedGeneration: 2,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: available,
      availableReplicas: available,
    }
    if (crash) status.unavailableReplicas = 1
    status.conditions = [
      {
        type: 'Available',
        status: 'True',
        lastUpdateTime: ts(created + 20_000),
        lastTransitionTime: ts(created + 20_000),
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'True',
        lastUpdateTime: ts(created + 86_400_000),
        lastTransitionTime: ts(created),
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${name}-${hashCur}" has successfully progressed.`,
      },
    ]
    const meta: Obj = {
      name,
      namespace: ns,
      uid: uid(this.seed, 'deploy', d),
      resourceVersion: this.rv('deploy', d),
      generation: 2,
      creationTimestamp: ts(created),
      labels,
      annotations: { 'deployment.kubernetes.io/revision': '2' },
      managedFields: [
        managed('kubectl-client-side-apply', ts(created), { metadata: { labels }, spec }),
        managed('kube-controller-manager', ts(created + 86_400_000), { status }, 'status'),
      ],
    }
    return { metadata: meta, spec, status }
  }

  private replicaSet(i: number): Obj {
    const dd = Math.floor(i / 2) - 1 // first pair is coredns
    const isDns = dd < 0
    const hc = this.rsHash(isDns ? -1 : dd, true)
    const ho = this.rsHash(isDns ? -1 : dd, false)
    const cur = (i % 2 === 0) === hc < ho
    const h = cur ? hc : ho
    const depName = isDns ? 'coredns' : this.deployName(dd)
    const ns = isDns ? 'kube-system' : this.deployNs(dd)
    const replicas = cur ? (isDns ? this.corednsPods : this.replicasOf(dd)) : 0
    const crash = cur && !isDns && this.problem(dd)
    const created = this.created('deploy', dd) + (cur ? 86_400_000 : 0)
    const tpl = this.podTemplate(isDns ? -1 : dd, isDns ? 'coredns' : 'app', h)
    const sel = isDns ? { 'k8s-app': 'kube-dns' } : { app: depName }
    const spec = { replicas, selector: { matchLabels: { ...sel, 'pod-template-hash': h } }, template: tpl }
    const status: Obj = replicas
      ? {
          replicas,
          fullyLabeledReplicas: replicas,
          readyReplicas: crash ? replicas - 1 : replicas,
          availableReplicas: crash ? replicas - 1 : replicas,
          observedGeneration: cur ? 1 : 2,
        }
      : { replicas: 0, observedGeneration: 2 }
    const meta: Obj = {
      name: `${depName}-${h}`,
      namespace: ns,
      uid: uid(this.seed, 'rs', dd, cur ? 1 : 0),
      resourceVersion: this.rv('rs', dd, cur ? 1 : 0),
      generation: cur ? 1 : 2,
      creationTimestamp: ts(created),
      labels: { ...sel, 'pod-template-hash': h },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)),
        'deployment.kubernetes.io/revision': cur ? '2' : '1',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: depName,
          uid: uid(this.seed, 'deploy', dd),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    }
    meta.managedFields = [
      managed('kube-controller-manager', ts(created), { metadata: { annotations: meta.annotations }, spec }),
      managed('kube-controller-manager', ts(created + 20_000), { status }, 'status'),
    ]
    return { metadata: meta, spec, status }
  }

  private daemonSet(): Obj {
    const created = this.created('ds')
    const tpl = this.podTemplate(-2, 'kube-proxy')
    const n = this.proxyPods
    const spec = {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: tpl,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
    }
    const status = {
      currentNumberScheduled: n,
      numberMisscheduled: 0,
      desiredNumberScheduled: n,
      numberReady: n,
      observedGeneration: 1,
      updatedNumberScheduled: n,
      numberAvailable: n,
    }
    return {
      metadata: {
        name: 'kube-proxy',
        namespace: 'kube-system',
        uid: uid(this.seed, 'ds', 'kube-proxy'),
        resourceVersion: this.rv('ds'),
        generation: 1,
        creationTimestamp: ts(created),
        labels: { 'k8s-app': 'kube-proxy' },
        annotations: { 'deprecated.daemonset.template.generation': '1' },
        managedFields: [
          managed('kubeadm', ts(created), { spec }),
          managed('kube-controller-manager', ts(created + 60_000), { status }, 'status'),
        ],
      },
      spec,
      status,
    }
  }

  // ----- nodes and namespaces ------------------------------------------------------------------

  private node(n: number): Obj {
    const name = this.nodeName(n)
    const created = this.created('node', n)
    const zone = ZONES[n % ZONES.length]!
    const beat = ts(this.now - (hash(this.seed, 'beat', n) % 40_000))
    // A flapping node is Ready again since its last NodeReady event.
    const readySince = this.flappingNodes.includes(n) ? this.flapTimes(n).lastReady : created + 30_000
    const cond = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      lastHeartbeatTime: beat,
      lastTransitionTime: ts(type === 'Ready' ? readySince : created + 30_000),
      reason,
      message,
    })
    const labels = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/instance-type': 'm6i.2xlarge',
      'beta.kubernetes.io/os': 'linux',
      'failure-domain.beta.kubernetes.io/region': 'eu-west-1',
      'failure-domain.beta.kubernetes.io/zone': zone,
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': 'm6i.2xlarge',
      'topology.kubernetes.io/region': 'eu-west-1',
      'topology.kubernetes.io/zone': zone,
    }
    const status = {
      capacity: {
        cpu: '8',
        'ephemeral-storage': '104845292Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: '32386220Ki',
        pods: '110',
      },
      allocatable: {
        cpu: '7910m',
        'ephemeral-storage': '95551679124',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: '31369388Ki',
        pods: '110',
      },
      conditions: [
        cond(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: this.ip('10.0', n) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: hex(this.seed, 32, 'mid', n),
        systemUUID: uid(this.seed, 'sys', n),
        bootID: uid(this.seed, 'boot', n),
        kernelVersion: '6.1.112-124.190.amzn2023.x86_64',
        osImage: 'Amazon Linux 2023.6.20241010',
        containerRuntimeVersion: 'containerd://1.7.22',
        kubeletVersion: 'v1.32.13',
        kubeProxyVersion: 'v1.32.13',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      images: [
        ...IMAGES.slice(0, 5).map((img, k) => ({
          names: [`${img}@sha256:${hex(this.seed, 64, 'imgd', k)}`, `${img}:1.${k}.0`],
          sizeBytes: 20_000_000 + k * 7_345_123,
        })),
        {
          names: [
            `registry.k8s.io/kube-proxy@sha256:${hex(this.seed, 64, 'kpd')}`,
            'registry.k8s.io/kube-proxy:v1.32.13',
          ],
          sizeBytes: 30_905_321,
        },
        {
          names: [
            `registry.k8s.io/coredns/coredns@sha256:${hex(this.seed, 64, 'cdd')}`,
            'registry.k8s.io/coredns/coredns:v1.11.3',
          ],
          sizeBytes: 18_562_039,
        },
        {
          names: [
            `registry.k8s.io/pause@sha256:${hex(this.seed, 64, 'pause')}`,
            'registry.k8s.io/pause:3.10',
          ],
          sizeBytes: 320_368,
        },
      ],
    }
    const spec = {
      podCIDR: `10.${244 + (n % 8)}.${n % 256}.0/24`,
      podCIDRs: [`10.${244 + (n % 8)}.${n % 256}.0/24`],
      providerID: `aws:///${zone}/i-0${hex(this.seed, 16, 'iid', n)}`,
    }
    const annotations = {
      'alpha.kubernetes.io/provided-node-ip': this.ip('10.0', n),
      'node.alpha.kubernetes.io/ttl': '0',
      'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    }
    return {
      metadata: {
        name,
        uid: uid(this.seed, 'node', n),
        resourceVersion: this.rv('node', n),
        creationTimestamp: ts(created),
        labels,
        annotations,
        managedFields: [
          managed('kubelet', ts(created), { metadata: { annotations, labels } }),
          managed('kube-controller-manager', ts(created + 30_000), { spec: { podCIDR: 1, podCIDRs: 1 } }),
          managed('kubelet', beat, { status }, 'status'),
        ],
      },
      spec,
      status,
    }
  }

  private namespaceNames(i: number): string {
    return i < SYSTEM_NAMESPACES.length ? SYSTEM_NAMESPACES[i]! : this.teamNs(i - SYSTEM_NAMESPACES.length)
  }

  private namespace(i: number): Obj {
    const name = this.namespaceNames(i)
    const created = i < SYSTEM_NAMESPACES.length ? this.created('cluster') : this.created('ns', i)
    return {
      metadata: {
        name,
        uid: uid(this.seed, 'ns', i),
        resourceVersion: this.rv('ns', i),
        creationTimestamp: ts(created),
        labels: { 'kubernetes.io/metadata.name': name },
        managedFields: [
          managed('kube-apiserver', ts(created), {
            metadata: { labels: { 'kubernetes.io/metadata.name': 1 } },
          }),
        ],
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    }
  }

  // ----- services ------------------------------------------------------------------------------

  /** Service i: 0 default/kubernetes, 1 kube-system/kube-dns, then one per application Deployment. */
  private svcAt(i: number): { ns: string; name: string; d: number; clusterIP: string } {
    if (i === 0) return { ns: 'default', name: 'kubernetes', d: -3, clusterIP: '10.96.0.1' }
    if (i === 1) return { ns: 'kube-system', name: 'kube-dns', d: -1, clusterIP: '10.96.0.10' }
    const d = i - 2
    return { ns: this.deployNs(d), name: this.deployName(d), d, clusterIP: this.ip('10.96', 20 + d) }
  }

  private service(i: number): Obj {
    const s = this.svcAt(i)
    const created = s.d === -3 ? this.created('cluster') : this.created('svc', s.d)
    const ports =
      s.d === -3
        ? [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }]
        : s.d === -1
          ? [
              { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
              { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
              { name: 'metrics', protocol: 'TCP', port: 9153, targetPort: 9153 },
            ]
          : [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }]
    const spec: Obj = { ports }
    if (s.d !== -3) spec.selector = s.d === -1 ? { 'k8s-app': 'kube-dns' } : { app: s.name }
    Object.assign(spec, {
      clusterIP: s.clusterIP,
      clusterIPs: [s.clusterIP],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    })
    const labels =
      s.d === -3
        ? { component: 'apiserver', provider: 'kubernetes' }
        : s.d === -1
          ? {
              'k8s-app': 'kube-dns',
              'kubernetes.io/cluster-service': 'true',
              'kubernetes.io/name': 'CoreDNS',
            }
          : { app: s.name }
    return {
      metadata: {
        name: s.name,
        namespace: s.ns,
        uid: uid(this.seed, 'svc', i),
        resourceVersion: this.rv('svc', i),
        creationTimestamp: ts(created),
        labels,
        managedFields: [
          managed(s.d === -3 ? 'kube-apiserver' : 'kubectl-client-side-apply', ts(created), { spec }),
        ],
      },
      spec,
      status: { loadBalancer: {} },
    }
  }

  /** The pods behind service i, as (ip, node, pod name, pod uid, ready) tuples. */
  private backends(
    i: number,
  ): { ip: string; node: string; pod: string; podUid: string; ns: string; ready: boolean }[] {
    const s = this.svcAt(i)
    if (s.d === -3) return []
    const first = s.d === -1 ? 0 : this.corednsPods + this.proxyPods + s.d * this.replicas
    const count = s.d === -1 ? this.corednsPods : this.replicasOf(s.d)
    const out = []
    for (let k = 0; k < count; k++) {
      const idx = first + k
      const p = this.podAt(idx)
      out.push({
        ip: this.ip(`10.${(244 + (p.node % 8)) % 256}`, hash(this.seed, 'pip', idx)),
        node: this.nodeName(p.node),
        pod: p.name,
        podUid: uid(this.seed, 'pod', idx),
        ns: p.ns,
        ready: !p.crash,
      })
    }
    return out
  }

  private endpoints(i: number): Obj {
    const s = this.svcAt(i)
    const svc = this.service(i)
    const b = this.backends(i)
    const addr = (x: (typeof b)[number]) => ({
      ip: x.ip,
      nodeName: x.node,
      targetRef: { kind: 'Pod', namespace: x.ns, name: x.pod, uid: x.podUid },
    })
    const ports = ((svc.spec as Obj).ports as Obj[]).map((p) => ({
      name: p.name,
      port: typeof p.targetPort === 'number' ? p.targetPort : 8080,
      protocol: p.protocol,
    }))
    const subsets =
      s.d === -3
        ? [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]
        : b.length
          ? [
              {
                ...(b.some((x) => x.ready) ? { addresses: b.filter((x) => x.ready).map(addr) } : {}),
                ...(b.some((x) => !x.ready)
                  ? { notReadyAddresses: b.filter((x) => !x.ready).map(addr) }
                  : {}),
                ports,
              },
            ]
          : undefined
    const meta = svc.metadata as Obj
    const out: Obj = {
      metadata: {
        name: s.name,
        namespace: s.ns,
        uid: uid(this.seed, 'ep', i),
        resourceVersion: this.rv('ep', i),
        creationTimestamp: meta.creationTimestamp,
        labels: meta.labels,
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': ts(this.now - 3_600_000) },
        managedFields: [managed('kube-controller-manager', ts(this.now - 3_600_000), { subsets })],
      },
    }
    if (subsets) out.subsets = subsets
    return out
  }

  private endpointSlice(i: number): Obj {
    const s = this.svcAt(i)
    const svc = this.service(i)
    const b = this.backends(i)
    const sfx = s.d === -3 ? '' : `-${safeSuffix(hash(this.seed, 'eps', i) % suffixSpace(5), 5)}`
    const labels: Record<string, string> = { 'kubernetes.io/service-name': s.name }
    if (s.d !== -3) labels['endpointslice.kubernetes.io/managed-by'] = 'endpointslice-controller.k8s.io'
    const ports =
      s.d === -3
        ? [{ name: 'https', protocol: 'TCP', port: 6443 }]
        : ((svc.spec as Obj).ports as Obj[]).map((p) => ({
            name: p.name,
            protocol: p.protocol,
            port: typeof p.targetPort === 'number' ? p.targetPort : 8080,
          }))
    const endpoints =
      s.d === -3
        ? [{ addresses: ['10.0.0.1'], conditions: { ready: true } }]
        : b.map((x) => ({
            addresses: [x.ip],
            conditions: { ready: x.ready, serving: x.ready, terminating: false },
            targetRef: { kind: 'Pod', namespace: x.ns, name: x.pod, uid: x.podUid },
            nodeName: x.node,
            zone: ZONES[hash(this.seed, 'z', x.node) % ZONES.length],
          }))
    const meta: Obj = {
      name: s.name + sfx,
      namespace: s.ns,
      uid: uid(this.seed, 'eps', i),
      resourceVersion: this.rv('eps', i),
      generation: 1,
      creationTimestamp: (svc.metadata as Obj).creationTimestamp,
      labels,
    }
    if (s.d !== -3) {
      if (sfx) meta.generateName = `${s.name}-`
      meta.annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': ts(this.now - 3_600_000) }
      meta.ownerReferences = [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: s.name,
          uid: uid(this.seed, 'svc', i),
          controller: true,
          blockOwnerDeletion: true,
        },
      ]
    }
    meta.managedFields = [managed('kube-controller-manager', ts(this.now - 3_600_000), { endpoints, ports })]
    return { metadata: meta, addressType: 'IPv4', endpoints, ports }
  }

  // ----- config --------------------------------------------------------------------------------

  /** ConfigMap i: per namespace, the app configs then kube-root-ca.crt (kube-system: coredns, kube-proxy first). */
  private cmAt(i: number): { ns: string; name: string; d: number } {
    const sys: [string, string][] = [
      ['default', 'kube-root-ca.crt'],
      ['kube-node-lease', 'kube-root-ca.crt'],
      ['kube-public', 'kube-root-ca.crt'],
      ['kube-system', 'coredns'],
      ['kube-system', 'kube-proxy'],
      ['kube-system', 'kube-root-ca.crt'],
    ]
    if (i < sys.length) return { ns: sys[i]![0], name: sys[i]![1], d: -1 - i }
    i -= sys.length
    const t = Math.floor(i / (DEPLOYS_PER_NS + 1))
    const j = i % (DEPLOYS_PER_NS + 1)
    const inNs = Math.min(DEPLOYS_PER_NS, this.deploys - t * DEPLOYS_PER_NS)
    if (j >= inNs) return { ns: this.teamNs(t), name: 'kube-root-ca.crt', d: -100 }
    const d = t * DEPLOYS_PER_NS + j
    return { ns: this.teamNs(t), name: `${this.deployName(d)}-config`, d }
  }

  private configMap(i: number): Obj {
    const c = this.cmAt(i)
    const created = c.d >= 0 ? this.created('deploy', c.d) : this.created('cluster')
    let data: Record<string, string>
    if (c.name === 'kube-root-ca.crt') data = { 'ca.crt': CA_PEM }
    else if (c.name === 'coredns')
      data = {
        Corefile:
          '.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n',
      }
    else if (c.name === 'kube-proxy')
      data = {
        'config.conf':
          'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nbindAddress: 0.0.0.0\nclusterCIDR: 10.244.0.0/16\nmode: iptables\n',
      }
    else
      data = {
        'config.yaml': `server:\n  port: 8080\nlog:\n  level: info\nfeatures:\n  flag-${hex(this.seed, 6, 'cf', c.d)}: true\n`,
      }
    const meta: Obj = {
      name: c.name,
      namespace: c.ns,
      uid: uid(this.seed, 'cm', i),
      resourceVersion: this.rv('cm', i),
      creationTimestamp: ts(created),
    }
    if (c.name === 'kube-root-ca.crt')
      meta.annotations = {
        'kubernetes.io/description':
          'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
      }
    meta.managedFields = [
      managed(c.d >= 0 ? 'kubectl-client-side-apply' : 'kube-controller-manager', ts(created), { data }),
    ]
    return { metadata: meta, data }
  }

  private saAt(i: number): { ns: string; name: string } {
    const sys: [string, string][] = [
      ['default', 'default'],
      ['kube-node-lease', 'default'],
      ['kube-public', 'default'],
      ['kube-system', 'coredns'],
      ['kube-system', 'default'],
      ['kube-system', 'kube-proxy'],
    ]
    if (i < sys.length) return { ns: sys[i]![0], name: sys[i]![1] }
    return { ns: this.teamNs(i - sys.length), name: 'default' }
  }

  private serviceAccount(i: number): Obj {
    const s = this.saAt(i)
    const created = this.created('sa', i)
    return {
      metadata: {
        name: s.name,
        namespace: s.ns,
        uid: uid(this.seed, 'sa', i),
        resourceVersion: this.rv('sa', i),
        creationTimestamp: ts(created),
      },
    }
  }

  // ----- events --------------------------------------------------------------------------------

  private eventAt(i: number): { pod: number; j: number; warning: boolean } {
    const per = Math.max(1, Math.floor(this.shape.eventsPerPod))
    const pod = Math.floor(i / per)
    const j = i % per
    const p = this.podAt(pod)
    const warning = j === 0 && (p.crash || unit(hash(this.seed, 'warn', pod)) < 0.05)
    return { pod, j, warning }
  }

  /** Events about flapping nodes, first in the list (namespace `default` sorts before the pods'). */
  private get nodeEventCount(): number {
    return this.flappingNodes.length * NODE_FLAP_EVENTS.length
  }

  private eventType(i: number): string {
    if (i < this.nodeEventCount) return 'Normal'
    return this.eventAt(i - this.nodeEventCount).warning ? 'Warning' : 'Normal'
  }

  /** An event's value for a field selector (kube-apiserver's event field set, core v1 names). */
  private eventField(i: number, name: string): string {
    if (name === 'type') return this.eventType(i)
    if (name === 'involvedObject.kind') return i < this.nodeEventCount ? 'Node' : 'Pod'
    const e = this.event(i, false) as Record<string, Record<string, unknown> | undefined>
    const str = (v: unknown) => (typeof v === 'string' ? v : '')
    if (name.startsWith('involvedObject.')) return str(e.involvedObject?.[name.slice(15)])
    if (name.startsWith('metadata.')) return str(e.metadata?.[name.slice(9)])
    if (name === 'source') return str(e.source?.component) || str(e.reportingComponent)
    return str(e[name])
  }

  /** When flapping node `n` went NotReady first, came back Ready last, and went NotReady last (ms). */
  private flapTimes(n: number): { first: number; lastReady: number; lastNotReady: number } {
    const first = this.now - 12 * 60_000 + (hash(this.seed, 'flap-t', n) % 60_000)
    const lastReady = this.now - 2 * 60_000 - (hash(this.seed, 'flap-r', n) % 30_000)
    return { first, lastReady, lastNotReady: lastReady - 50_000 }
  }

  /** Event i of the flapping nodes' (three each: {@link NODE_FLAP_EVENTS}), core v1 or events.k8s.io/v1. */
  private nodeEvent(i: number, newApi: boolean): Obj {
    const k = Math.floor(i / NODE_FLAP_EVENTS.length)
    const n = this.flappingNodes[k]!
    const [reason, component] = NODE_FLAP_EVENTS[i % NODE_FLAP_EVENTS.length]!
    const node = this.nodeName(n)
    const t = this.flapTimes(n)
    const kubelet = component === 'kubelet'
    const ready = reason === 'NodeReady'
    // Each reporter's repeats are aggregated into one event: 3 times, first and last seen; the
    // kubelet records a NotReady a second after the node controller.
    const first = t.first + (kubelet ? 1_000 : 0) + (ready ? 40_000 : 0)
    const last = ready ? t.lastReady : t.lastNotReady + (kubelet ? 1_000 : 0)
    const count = 3
    const name = `${node}.${(BigInt(first) * 1_000_000n + BigInt(hash(this.seed, 'nevn', i) % 1_000_000)).toString(16).padStart(16, '0')}`
    const message = `Node ${node} status is now: ${reason}`
    // The kubelet names its node by name (uid = name); the node controller by its uid.
    const involved: Obj = kubelet
      ? { kind: 'Node', name: node, uid: node }
      : { kind: 'Node', name: node, uid: uid(this.seed, 'node', n), apiVersion: 'v1' }
    const meta: Obj = {
      name,
      namespace: 'default',
      uid: uid(this.seed, 'nev', i),
      resourceVersion: this.rv('nev', i),
      creationTimestamp: ts(first),
    }
    return eventObject(
      { meta, involved, reason, message, type: 'Normal', component, host: kubelet ? node : undefined },
      { first, last, count },
      newApi,
    )
  }

  /** Core event i, or its events.k8s.io/v1 form: the flapping nodes' first, then the pods'. */
  private event(all: number, newApi: boolean): Obj {
    if (all < this.nodeEventCount) return this.nodeEvent(all, newApi)
    const i = all - this.nodeEventCount
    const e = this.eventAt(i)
    const p = this.podAt(e.pod)
    // Later events of a pod have later timestamps, so their names (which end in the time) sort later.
    const per = Math.max(1, Math.floor(this.shape.eventsPerPod))
    const last = this.now - 60_000 - (per - e.j) * 400_000 + (hash(this.seed, 'evt', i) % 100_000)
    const first = p.crash ? this.now - 3_000_000 : last
    const name = `${p.name}.${(BigInt(last) * 1_000_000n + BigInt(hash(this.seed, 'evn', i) % 1_000_000)).toString(16).padStart(16, '0')}`
    const reason = e.warning ? (p.crash ? 'BackOff' : 'Unhealthy') : 'Pulled'
    const message = e.warning
      ? p.crash
        ? 'Back-off restarting failed container app in pod ' +
          `${p.name}_${p.ns}(${uid(this.seed, 'pod', e.pod)})`
        : 'Readiness probe failed: HTTP probe failed with statuscode: 503'
      : `Container image "${this.imageOf(p.d)}" already present on machine`
    const count = p.crash ? 61 : 1
    const involved = {
      kind: 'Pod',
      namespace: p.ns,
      name: p.name,
      uid: uid(this.seed, 'pod', e.pod),
      apiVersion: 'v1',
      resourceVersion: this.rv('pod', e.pod),
      fieldPath: 'spec.containers{app}',
    }
    const meta: Obj = {
      name,
      namespace: p.ns,
      uid: uid(this.seed, 'ev', i),
      resourceVersion: this.rv('ev', i),
      creationTimestamp: ts(first),
    }
    return eventObject(
      {
        meta,
        involved,
        reason,
        message,
        type: e.warning ? 'Warning' : 'Normal',
        component: 'kubelet',
        host: this.nodeName(p.node),
      },
      { first, last, count },
      newApi,
    )
  }

  // ----- autoscaling and disruption -------------------------------------------------------------

  private hpa(i: number): Obj {
    const d = i * 3
    const name = this.deployName(d)
    const created = this.created('hpa', d)
    const replicas = this.replicasOf(d)
    const spec = {
      scaleTargetRef: { kind: 'Deployment', name, apiVersion: 'apps/v1' },
      minReplicas: replicas,
      maxReplicas: replicas * 4,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    }
    const status = {
      lastScaleTime: ts(created + 3_600_000),
      currentReplicas: replicas,
      desiredReplicas: replicas,
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageValue: '31m', averageUtilization: 31 } },
        },
      ],
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          lastTransitionTime: ts(created + 60_000),
          reason: 'ReadyForNewScale',
          message: 'recommended size matches current size',
        },
        {
          type: 'ScalingActive',
          status: 'True',
          lastTransitionTime: ts(created + 60_000),
          reason: 'ValidMetricFound',
          message:
            'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)',
        },
        {
          type: 'ScalingLimited',
          status: 'True',
          lastTransitionTime: ts(created + 60_000),
          reason: 'TooFewReplicas',
          message: 'the desired replica count is less than the minimum replica count',
        },
      ],
    }
    return {
      metadata: {
        name,
        namespace: this.deployNs(d),
        uid: uid(this.seed, 'hpa', d),
        resourceVersion: this.rv('hpa', d),
        creationTimestamp: ts(created),
        managedFields: [
          managed('kubectl-client-side-apply', ts(created), { spec }),
          managed('kube-controller-manager', ts(created + 60_000), { status }, 'status'),
        ],
      },
      spec,
      status,
    }
  }

  private pdb(i: number): Obj {
    const d = i * 2
    const name = this.deployName(d)
    const created = this.created('pdb', d)
    const replicas = this.replicasOf(d)
    const healthy = this.problem(d) ? replicas - 1 : replicas
    const spec = { minAvailable: 1, selector: { matchLabels: { app: name } } }
    const status = {
      observedGeneration: 1,
      disruptionsAllowed: Math.max(0, healthy - 1),
      currentHealthy: healthy,
      desiredHealthy: 1,
      expectedPods: replicas,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: healthy > 1 ? 'True' : 'False',
          observedGeneration: 1,
          lastTransitionTime: ts(created + 30_000),
          reason: healthy > 1 ? 'SufficientPods' : 'InsufficientPods',
          message: '',
        },
      ],
    }
    return {
      metadata: {
        name,
        namespace: this.deployNs(d),
        uid: uid(this.seed, 'pdb', d),
        resourceVersion: this.rv('pdb', d),
        generation: 1,
        creationTimestamp: ts(created),
        managedFields: [
          managed('kubectl-client-side-apply', ts(created), { spec }),
          managed('kube-controller-manager', ts(created + 30_000), { status }, 'status'),
        ],
      },
      spec,
      status,
    }
  }

  // ----- cluster-level objects -----------------------------------------------------------------

  /** kube-system's leases: the API server's identity, then the controllers' leader elections. */
  private systemLeases(): string[] {
    return [
      `apiserver-${hex(this.seed, 26, 'apiserver-id').replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)}`,
      'kube-controller-manager',
      'kube-scheduler',
    ]
  }

  private lease(i: number): Obj {
    const isNode = i < this.nodes
    const name = isNode ? this.nodeName(i) : this.systemLeases()[i - this.nodes]!
    const identity = !isNode && name.startsWith('apiserver-')
    const ns = isNode ? 'kube-node-lease' : 'kube-system'
    const created = isNode ? this.created('node', i) : this.created('cluster')
    const spec: Obj = {
      holderIdentity: isNode
        ? name
        : `${identity ? name : 'control-plane'}_${uid(this.seed, 'holder', name)}`,
      leaseDurationSeconds: isNode ? 40 : identity ? 3600 : 15,
      renewTime: new Date(this.now - (hash(this.seed, 'renew', i) % 10_000))
        .toISOString()
        .replace('Z', '000Z'),
    }
    if (!isNode && !identity) {
      spec.acquireTime = new Date(created).toISOString().replace('Z', '000Z')
      spec.leaseTransitions = 1
    }
    const meta: Obj = {
      name,
      namespace: ns,
      uid: uid(this.seed, 'lease', i),
      resourceVersion: this.rv('lease', i),
      creationTimestamp: ts(created),
    }
    if (identity)
      meta.labels = {
        'apiserver.kubernetes.io/identity': 'kube-apiserver',
        'kubernetes.io/hostname': 'control-plane-1',
      }
    if (isNode)
      meta.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name, uid: uid(this.seed, 'node', i) }]
    meta.managedFields = [managed(isNode ? 'kubelet' : name, ts(this.now - 5_000), { spec })]
    return { metadata: meta, spec }
  }

  private csiNode(n: number): Obj {
    const name = this.nodeName(n)
    const created = this.created('node', n)
    return {
      metadata: {
        name,
        uid: uid(this.seed, 'csinode', n),
        resourceVersion: this.rv('csinode', n),
        creationTimestamp: ts(created),
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: uid(this.seed, 'node', n) }],
        managedFields: [managed('kubelet', ts(created), { spec: { drivers: 1 } })],
      },
      spec: {
        drivers: [
          {
            name: 'ebs.csi.aws.com',
            nodeID: `i-0${hex(this.seed, 16, 'iid', n)}`,
            topologyKeys: [
              'kubernetes.io/os',
              'topology.ebs.csi.aws.com/zone',
              'topology.kubernetes.io/zone',
            ],
            allocatable: { count: 26 },
          },
        ],
      },
    }
  }

  private simple(
    name: string,
    ns: string | undefined,
    body: Obj,
    i: number,
    kind: string,
    generation = false,
  ): Obj {
    const created = this.created('cluster')
    const meta: Obj = { name }
    if (ns) meta.namespace = ns
    Object.assign(meta, {
      uid: uid(this.seed, kind, i),
      resourceVersion: this.rv(kind, i),
      ...(generation ? { generation: 1 } : {}),
      creationTimestamp: ts(created),
    })
    if (body.labels) {
      meta.labels = body.labels
      delete body.labels
    }
    if (body.annotations) {
      meta.annotations = body.annotations
      delete body.annotations
    }
    meta.managedFields = [managed('kube-apiserver', ts(created), body)]
    return { metadata: meta, ...body }
  }

  private list(items: (() => [string, Obj])[]): KindSource {
    return {
      count: items.length,
      key: (i) => items[i]!()[0],
      item: (i) => items[i]!()[1],
    }
  }

  // ----- wiring --------------------------------------------------------------------------------

  private define(): void {
    const s = this.sources
    const nsKey = (ns: string, name: string) => `${ns}/${name}`
    s.set('nodes', { count: this.nodes, key: (i) => this.nodeName(i), item: (i) => this.node(i) })
    const nsCount = SYSTEM_NAMESPACES.length + this.teams
    s.set('namespaces', {
      count: nsCount,
      key: (i) => this.namespaceNames(i),
      item: (i) => this.namespace(i),
    })
    const podCount = this.corednsPods + this.proxyPods + this.appPods
    s.set('pods', {
      count: podCount,
      key: (i) => {
        const p = this.podAt(i)
        return nsKey(p.ns, p.name)
      },
      item: (i) => this.pod(i),
    })
    const depCount = (this.corednsPods > 0 ? 1 : 0) + this.deploys
    const depOffset = this.corednsPods > 0 ? 0 : 1
    s.set('apps/deployments', {
      count: depCount,
      key: (i) => {
        const d = i + depOffset - 1
        return d < 0 ? 'kube-system/coredns' : nsKey(this.deployNs(d), this.deployName(d))
      },
      item: (i) => this.deployment(i + depOffset),
    })
    s.set('apps/replicasets', {
      count: depCount * 2,
      key: (i) => {
        const o = this.replicaSet(i + depOffset * 2).metadata as Obj
        return nsKey(o.namespace as string, o.name as string)
      },
      item: (i) => this.replicaSet(i + depOffset * 2),
    })
    s.set('apps/daemonsets', {
      count: this.proxyPods > 0 || this.nodes > 0 ? 1 : 0,
      key: () => 'kube-system/kube-proxy',
      item: () => this.daemonSet(),
    })
    const svcCount = 2 + this.deploys
    const svcKey = (i: number) => {
      const v = this.svcAt(i)
      return nsKey(v.ns, v.name)
    }
    s.set('services', { count: svcCount, key: svcKey, item: (i) => this.service(i) })
    s.set('endpoints', { count: svcCount, key: svcKey, item: (i) => this.endpoints(i) })
    s.set('discovery.k8s.io/endpointslices', {
      count: svcCount,
      key: (i) => {
        const o = this.endpointSlice(i).metadata as Obj
        return nsKey(o.namespace as string, o.name as string)
      },
      item: (i) => this.endpointSlice(i),
    })
    const cmCount = 6 + this.deploys + this.teams
    s.set('configmaps', {
      count: cmCount,
      key: (i) => {
        const c = this.cmAt(i)
        return nsKey(c.ns, c.name)
      },
      item: (i) => this.configMap(i),
    })
    s.set('serviceaccounts', {
      count: 6 + this.teams,
      key: (i) => {
        const a = this.saAt(i)
        return nsKey(a.ns, a.name)
      },
      item: (i) => this.serviceAccount(i),
    })
    const evCount = this.nodeEventCount + podCount * Math.max(1, Math.floor(this.shape.eventsPerPod))
    const evKey = (i: number) => {
      const o = this.event(i, false).metadata as Obj
      return nsKey(o.namespace as string, o.name as string)
    }
    s.set('events', {
      count: evCount,
      key: evKey,
      item: (i) => this.event(i, false),
      field: (i, name) => this.eventField(i, name),
    })
    s.set('events.k8s.io/events', {
      count: evCount,
      key: evKey,
      item: (i) => this.event(i, true),
      field: (i, name) => this.eventField(i, name),
    })
    s.set('autoscaling/horizontalpodautoscalers', {
      count: Math.ceil(this.deploys / 3),
      key: (i) => nsKey(this.deployNs(i * 3), this.deployName(i * 3)),
      item: (i) => this.hpa(i),
    })
    s.set('policy/poddisruptionbudgets', {
      count: Math.ceil(this.deploys / 2),
      key: (i) => nsKey(this.deployNs(i * 2), this.deployName(i * 2)),
      item: (i) => this.pdb(i),
    })
    s.set('coordination.k8s.io/leases', {
      count: this.nodes + 3,
      key: (i) =>
        i < this.nodes
          ? nsKey('kube-node-lease', this.nodeName(i))
          : nsKey('kube-system', this.systemLeases()[i - this.nodes]!),
      item: (i) => this.lease(i),
    })
    s.set('storage.k8s.io/csinodes', {
      count: this.nodes,
      key: (i) => this.nodeName(i),
      item: (i) => this.csiNode(i),
    })
    s.set(
      'scheduling.k8s.io/priorityclasses',
      this.list(
        (
          [
            [
              'system-cluster-critical',
              2000000000,
              'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
            ],
            [
              'system-node-critical',
              2000001000,
              'Used for system critical pods that must not be moved from their current node.',
            ],
          ] as const
        ).map(([name, value, description], i) => () => [
          name,
          this.simple(
            name,
            undefined,
            { value, description, preemptionPolicy: 'PreemptLowerPriority' },
            i,
            'pc',
            true,
          ),
        ]),
      ),
    )
    s.set(
      'storage.k8s.io/storageclasses',
      this.list([
        () => [
          'gp3',
          this.simple(
            'gp3',
            undefined,
            {
              annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
              provisioner: 'ebs.csi.aws.com',
              parameters: { type: 'gp3' },
              reclaimPolicy: 'Delete',
              allowVolumeExpansion: true,
              volumeBindingMode: 'WaitForFirstConsumer',
            },
            0,
            'sc',
          ),
        ],
      ]),
    )
    s.set(
      'storage.k8s.io/csidrivers',
      this.list([
        () => [
          'ebs.csi.aws.com',
          this.simple(
            'ebs.csi.aws.com',
            undefined,
            {
              spec: {
                attachRequired: true,
                podInfoOnMount: false,
                volumeLifecycleModes: ['Persistent'],
                fsGroupPolicy: 'ReadWriteOnceWithFSType',
                storageCapacity: false,
                requiresRepublish: false,
                seLinuxMount: false,
              },
            },
            0,
            'csid',
          ),
        ],
      ]),
    )
    s.set(
      'networking.k8s.io/ingressclasses',
      this.list([
        () => [
          'nginx',
          this.simple(
            'nginx',
            undefined,
            {
              labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
              spec: { controller: 'k8s.io/ingress-nginx' },
            },
            0,
            'ic',
            true,
          ),
        ],
      ]),
    )
  }
}
