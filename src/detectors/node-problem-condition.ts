import { defineDetector } from '../detect/define.js'
import {
  clip,
  conditionEvidence,
  conditionsOf,
  eventEvidence,
  lastEventWithReason,
  nodeEvents,
  paramList,
} from './lib/k8s.js'

// The conditions the kubelet and the cloud route controller own; each has a detector of its own.
const CORE = new Set(['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'])

// What the usual node-problem-detector (and cloud provider) conditions mean, in plain words.
const MEANING = new Map<string, string>([
  [
    'KernelDeadlock',
    'a kernel task is hung (often the container runtime stuck on I/O), so containers may not start or stop',
  ],
  [
    'ReadonlyFilesystem',
    'the kernel remounted a filesystem read-only after a disk error, so pods and the kubelet cannot write',
  ],
  ['FrequentKubeletRestart', 'the kubelet keeps restarting'],
  ['FrequentDockerRestart', 'the Docker daemon keeps restarting'],
  ['FrequentContainerdRestart', 'containerd keeps restarting'],
  [
    'FrequentUnregisterNetDevice',
    'the kernel keeps waiting to unregister a network device, a known hang that blocks pod networking',
  ],
  ['CorruptDockerOverlay2', "Docker's overlay2 storage is corrupt"],
  ['ContainerRuntimeProblem', 'the container runtime is unhealthy'],
  ['KubeletProblem', 'the kubelet is unhealthy'],
  ['FilesystemCorruptionProblem', 'a filesystem on the node is corrupt'],
  ['NTPProblem', 'the clock is not synchronised'],
  ['VMEventScheduled', 'the cloud provider scheduled maintenance on this virtual machine'],
  ['RebootScheduled', 'the cloud provider scheduled a reboot of this virtual machine'],
  ['RedeployScheduled', 'the cloud provider scheduled a redeploy of this virtual machine'],
  ['FreezeScheduled', 'the cloud provider scheduled a pause of this virtual machine'],
  ['TerminateScheduled', 'the cloud provider scheduled the deletion of this virtual machine'],
  ['PreemptScheduled', 'the cloud provider will reclaim this spot virtual machine'],
])

export default defineDetector({
  meta: {
    id: 'node-problem-condition',
    title: 'Node reports a problem condition (node-problem-detector)',
    description:
      'Besides Ready and the pressure conditions, agents such as node-problem-detector (built into GKE and AKS) add conditions of their own to a node when they see a kernel deadlock, a read-only filesystem, a runtime or kubelet restarting in a loop, or scheduled cloud maintenance. The node often still says Ready, but pods on it fail in odd ways (cannot start, cannot write, lose network) until the machine is repaired or replaced.',
    severity: 'warning',
    category: 'node',
    requires: ['v1/Node'],
    optional: ['v1/Event'],
    messages: {
      problem:
        'Node {{name}} reports {{condition}} ({{reason}}): {{meaning}}. Pods on it may fail to start, write or reach the network even though the node looks Ready.',
    },
    remediation:
      'Read the condition and the node events: `kubectl describe node {{name}}` (Conditions: {{condition}}) and `kubectl get events -A --field-selector involvedObject.name={{name}}`. Move the workloads away and replace or repair the machine: `kubectl cordon {{name}}`, then `kubectl drain {{name}} --ignore-daemonsets --delete-emptydir-data`, then reboot or recreate it (in a managed node pool, delete the instance and let the pool replace it). Check the kernel log on the machine (`journalctl -k`) for the underlying error.',
    references: [
      'https://kubernetes.io/docs/tasks/debug/debug-cluster/monitor-node-health/',
      'https://kubernetes.io/docs/concepts/architecture/nodes/#condition',
    ],
    params: {
      ignoreConditions: {
        default: [],
        description:
          'Condition types to ignore, for a custom agent whose conditions mean good news when True.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const ignore = new Set(paramList(params.ignoreConditions))
    const withEvents = snapshot.has('v1/Event')
    for (const node of snapshot.list('v1/Node')) {
      const list = node.status?.conditions
      if (!Array.isArray(list)) continue
      for (const c of conditionsOf(node)) {
        if (c.status !== 'True' || CORE.has(c.type) || ignore.has(c.type)) continue
        const evidence: Record<string, unknown> = { condition: conditionEvidence(c, now) }
        if (c.lastHeartbeatTime) evidence.lastHeartbeatTime = c.lastHeartbeatTime
        // node-problem-detector records an event with the same reason when it sets the condition.
        if (withEvents && c.reason) {
          const e = lastEventWithReason(nodeEvents(snapshot, node), [c.reason])
          if (e) evidence.event = eventEvidence(e)
        }
        report({
          object: node,
          key: c.type,
          messageId: 'problem',
          data: {
            condition: c.type,
            reason: c.reason ?? 'no reason given',
            meaning:
              MEANING.get(c.type) ??
              `an agent on the node reports it${c.message ? `: ${clip(c.message, 200)}` : ''}`,
          },
          evidence,
        })
      }
    }
  },
})
