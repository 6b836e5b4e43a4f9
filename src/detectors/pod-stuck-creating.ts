import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import {
  ageMs,
  clip,
  conditionEvidence,
  conditionOf,
  eventEvidence,
  humanDuration,
  lastEventWithReason,
  parseDuration,
} from './lib/k8s.js'
import { podIndex } from './lib/pods-workloads.js'

// The kubelet's events when it cannot set up the pod sandbox (network namespace, pause container).
const SANDBOX_EVENTS = ['FailedCreatePodSandBox', 'FailedPodSandBoxStatus', 'NetworkNotReady']
// Volume events: volume-mount-failure reports them; here they are only evidence.
const VOLUME_EVENTS = ['FailedMount', 'FailedAttachVolume', 'FailedMapVolume']
// Waiting reasons of containers that the kubelet has not created yet.
const NOT_CREATED = new Set(['ContainerCreating', 'PodInitializing'])

// What the sandbox error usually means, from the runtime's and the CNI plugin's wording.
const HINTS: [RegExp, string][] = [
  [
    /no IP addresses? available|failed to assign an IP|ipam|insufficient.*ip|ip.*exhausted|no more free ips/i,
    'the node or subnet has run out of pod IP addresses',
  ],
  [
    /cni plugin not initialized|network plugin is not ready|cni config uninitialized|NetworkNotReady|no networks found|calico\/node container is running|unable to connect to Cilium|cilium-agent/i,
    'the network (CNI) plugin is not running or not configured on the node',
  ],
  [
    /pause|sandbox image|failed to pull image.*registry\.k8s\.io/i,
    'the node cannot pull the pause (sandbox) image',
  ],
  [/runtimeclass|no runtime for|runtime handler/i, "the node has no handler for the pod's RuntimeClass"],
  [
    /connection refused|i\/o timeout|context deadline exceeded|dial tcp|unauthorized|forbidden/i,
    'the CNI plugin cannot reach its agent or the API server',
  ],
]
const PLUGIN = /plugin type="([\w.-]+)"|networkPlugin (\w+)/

function hintFor(message: string): string | undefined {
  for (const [re, hint] of HINTS) if (re.test(message)) return hint
  return undefined
}

// Pending and scheduled, with every container still waiting to be created.
function stillCreating(pod: KubeObject): boolean {
  const statuses = pod.status?.containerStatuses
  if (!Array.isArray(statuses)) return true
  for (const s of statuses) {
    if (!s || typeof s !== 'object') continue
    const reason = s.state?.waiting?.reason
    if (typeof reason !== 'string' || !NOT_CREATED.has(reason)) return false
  }
  const init = pod.status?.initContainerStatuses
  if (Array.isArray(init))
    for (const s of init) {
      if (!s || typeof s !== 'object') continue
      if (s.state?.running || s.state?.terminated) return false
      const reason = s.state?.waiting?.reason
      if (typeof reason === 'string' && !NOT_CREATED.has(reason)) return false
    }
  return true
}

export default defineDetector({
  meta: {
    id: 'pod-stuck-creating',
    title: 'Pod is stuck creating its containers (sandbox or network setup fails)',
    description:
      'Before any container starts, the kubelet creates the pod sandbox: its network namespace with an IP from the CNI plugin, and the pause container. When that fails (no IP left in the subnet, the CNI agent down, the pause image not pullable), the pod stays in ContainerCreating with no crash and no log to look at, and the workload is short of pods.',
    severity: 'warning',
    category: 'pod',
    requires: ['v1/Pod'],
    optional: ['v1/Event', 'v1/Node'],
    messages: {
      sandbox:
        'Pod {{name}} has been stuck in ContainerCreating for {{for}} on node {{node}}: the kubelet cannot create its sandbox ({{cause}}).',
      noEvents:
        'Pod {{name}} has been stuck in ContainerCreating for {{for}} on node {{node}}: the kubelet has not finished setting it up, and no event in the snapshot says why (network plugin, pause image or volumes).',
    },
    remediation:
      "See the kubelet's reason: `kubectl describe pod {{name}} -n {{namespace}}` (Events: FailedCreatePodSandBox, FailedMount) and `kubectl get events -n {{namespace}} --field-selector involvedObject.name={{name}}`. Check the network plugin on the node: `kubectl get pods -n kube-system -o wide --field-selector spec.nodeName={{node}}` (calico-node, cilium, aws-node… must be Running) and `kubectl describe node {{node}}`. Out of IPs: free addresses or enlarge the pod CIDR/subnet. Once the cause is fixed the kubelet retries by itself; to move the pod elsewhere, `kubectl delete pod {{name}} -n {{namespace}}`.",
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-has-ready-to-start-containers',
      'https://kubernetes.io/docs/concepts/extend-kubernetes/compute-storage-net/network-plugins/',
      'https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/',
    ],
    params: {
      minDuration: {
        default: '10m',
        description: 'How long the pod must have been creating its containers before the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withEvents = snapshot.has('v1/Event')
    const withNodes = snapshot.has('v1/Node')
    for (const pod of podIndex(snapshot).pending) {
      const st = pod.status
      if (!st || st.phase !== 'Pending' || pod.metadata.deletionTimestamp) continue
      const nodeName = pod.spec?.nodeName
      if (typeof nodeName !== 'string' || !nodeName) continue
      const sandboxReady = conditionOf(pod, 'PodReadyToStartContainers') ?? conditionOf(pod, 'PodHasNetwork')
      if (sandboxReady?.status === 'True') continue
      if (!stillCreating(pod)) continue
      // Since when: the sandbox condition, else the scheduling, else the pod's age.
      const scheduled = conditionOf(pod, 'PodScheduled')
      const since =
        sandboxReady?.lastTransitionTime ??
        (scheduled?.status === 'True' ? scheduled.lastTransitionTime : undefined) ??
        pod.metadata.creationTimestamp
      const age = ageMs(since, now)
      if (age === undefined || age < min) continue

      const events = withEvents ? snapshot.eventsFor(pod) : []
      const sandboxEvent = lastEventWithReason(events, SANDBOX_EVENTS)
      const volumeEvent = lastEventWithReason(events, VOLUME_EVENTS)
      // Waiting only on volumes: volume-mount-failure reports it, with the volume named.
      if (!sandboxEvent && volumeEvent) continue

      const evidence: Record<string, unknown> = { node: nodeName, waitingFor: humanDuration(age) }
      if (sandboxReady) evidence.condition = conditionEvidence(sandboxReady, now)
      if (withNodes) {
        const node = snapshot.get('v1/Node', undefined, nodeName)
        // A down node sets up no pod at all: node-not-ready reports it once, not per pod.
        if (node && conditionOf(node, 'Ready')?.status !== 'True') continue
        evidence.nodeReady = node ? 'True' : 'node not found'
      }
      const data: Record<string, string> = { for: humanDuration(age), node: nodeName }
      if (sandboxEvent) {
        const message = String((sandboxEvent as Record<string, unknown>).message ?? '')
        const hint = hintFor(message)
        const plugin = PLUGIN.exec(message)
        evidence.event = eventEvidence(sandboxEvent)
        if (hint) evidence.likelyCause = hint
        if (plugin) evidence.networkPlugin = plugin[1] ?? plugin[2]
        data.cause = hint ?? clip(message, 200) ?? 'the runtime gave no message'
      }
      if (volumeEvent) evidence.volumeEvent = eventEvidence(volumeEvent)
      report({ object: pod, messageId: sandboxEvent ? 'sandbox' : 'noEvents', data, evidence })
    }
  },
})
