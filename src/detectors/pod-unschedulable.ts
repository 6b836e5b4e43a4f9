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
  taintOf,
} from './lib/k8s.js'

type Cause = 'volume' | 'resources' | 'unhealthy' | 'affinity' | 'taint' | 'controlPlane' | 'pods' | 'other'

/** One clause of the scheduler's message: "2 Insufficient cpu" → 2 nodes, resources, cpu. */
interface Clause {
  nodes: number
  cause: Cause
  /** The resource name, or the taint key, when the clause names one. */
  subject?: string
  text: string
}

// Taints the node lifecycle controller sets on nodes that are broken or cordoned, in plain words.
const NODE_PROBLEM_TAINTS: Record<string, string> = {
  'node.kubernetes.io/not-ready': 'not ready',
  'node.kubernetes.io/unreachable': 'unreachable',
  'node.kubernetes.io/unschedulable': 'cordoned',
  'node.kubernetes.io/memory-pressure': 'out of memory',
  'node.kubernetes.io/disk-pressure': 'out of disk space',
  'node.kubernetes.io/pid-pressure': 'out of process ids',
  'node.kubernetes.io/network-unavailable': 'without network',
  'node.kubernetes.io/out-of-service': 'out of service',
  'node.cloudprovider.kubernetes.io/uninitialized': 'not yet initialized by the cloud provider',
}
const CONTROL_PLANE_TAINTS = new Set([
  'node-role.kubernetes.io/control-plane',
  'node-role.kubernetes.io/master',
])
// Most specific first, in the order the detector prefers when causes cover as many nodes.
const PRIORITY: Cause[] = ['resources', 'unhealthy', 'affinity', 'taint', 'pods', 'controlPlane', 'other']

// Compiled once; the scheduler's wording from 1.23 to 1.32.
const SUMMARY = /^0\/(\d+) nodes are available:\s*/
const PREEMPTION = /\.?\s*preemption:[\s\S]*$/
const CLAUSE_SPLIT = /,\s*(?=\d+ )/
const COUNTED = /^(\d+) ([\s\S]*)$/
const INSUFFICIENT = /^Insufficient (\S+)/
const TAINT = /taint \{([^:}]+)/
const VOLUME =
  /persistentvolumeclaim|volume node affinity|persistent volumes to bind|unbound immediate|VolumeBinding|storageclass/i
const AFFINITY = /affinity|selector|topology spread/i
const TRAILING_DOTS = /\.+$/
const TOO_MANY_PODS = /too many pods/i
const CORDONED = /were unschedulable/
const PROBLEM_TAINT_KEYS = Object.keys(NODE_PROBLEM_TAINTS)

function classifyClause(nodes: number, text: string): Clause {
  const t = text.replace(TRAILING_DOTS, '').trim()
  if (VOLUME.test(t)) return { nodes, cause: 'volume', text: t }
  const ins = INSUFFICIENT.exec(t)
  if (ins) return { nodes, cause: 'resources', subject: ins[1] as string, text: t }
  if (TOO_MANY_PODS.test(t)) return { nodes, cause: 'pods', text: t }
  if (CORDONED.test(t))
    return { nodes, cause: 'unhealthy', subject: 'node.kubernetes.io/unschedulable', text: t }
  const taint = TAINT.exec(t)
  if (taint) {
    const key = (taint[1] as string).trim()
    if (key in NODE_PROBLEM_TAINTS) return { nodes, cause: 'unhealthy', subject: key, text: t }
    if (CONTROL_PLANE_TAINTS.has(key)) return { nodes, cause: 'controlPlane', subject: key, text: t }
    return { nodes, cause: 'taint', subject: key, text: t }
  }
  if (AFFINITY.test(t)) return { nodes, cause: 'affinity', text: t }
  return { nodes, cause: 'other', text: t }
}

// Splits "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {…}. preemption: …".
function parseSchedulerMessage(message: string): { total?: number; clauses: Clause[] } {
  const m = SUMMARY.exec(message)
  if (!m) return { clauses: message.trim() ? [classifyClause(0, message)] : [] }
  const total = Number(m[1])
  const body = message.slice(m[0].length).replace(PREEMPTION, '')
  const clauses: Clause[] = []
  for (const part of body.split(CLAUSE_SPLIT)) {
    const c = COUNTED.exec(part.trim())
    if (c) clauses.push(classifyClause(Number(c[1]), c[2] as string))
    else if (part.trim()) clauses.push(classifyClause(total, part))
  }
  return { total, clauses }
}

function uniq(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))]
}

export default defineDetector({
  meta: {
    id: 'pod-unschedulable',
    title: 'Pod cannot be placed on any node',
    description:
      'The scheduler found no node that can run the pod, so it stays Pending and never starts: the nodes lack free CPU or memory for what it requests, carry taints it does not tolerate, do not match its node selector or affinity, cannot reach its volume, or are broken or cordoned.',
    severity: 'warning',
    category: 'scheduling',
    requires: ['v1/Pod'],
    optional: ['v1/Event', 'v1/Node'],
    messages: {
      insufficientResources:
        'Pod {{name}} has not been placed on a node for {{for}}: no node has enough free {{resource}} for what the pod requests.',
      nodesUnavailable:
        'Pod {{name}} has not been placed on a node for {{for}}: {{nodes}} node(s) are {{problem}}, and no other node fits.',
      untoleratedTaint:
        'Pod {{name}} has not been placed on a node for {{for}}: the nodes carry the taint {{taint}}, which the pod does not tolerate.',
      affinity:
        'Pod {{name}} has not been placed on a node for {{for}}: no node matches its node selector, affinity or spread rules.',
      unboundVolume:
        'Pod {{name}} has not been placed on a node for {{for}}: a volume it needs (PersistentVolumeClaim) is not bound, or no node can reach it.',
      tooManyPods:
        'Pod {{name}} has not been placed on a node for {{for}}: the nodes already run as many pods as they allow.',
      unschedulable: 'Pod {{name}} has not been placed on a node for {{for}}; the scheduler says: {{detail}}',
    },
    remediation:
      "Read the scheduler's reason: `kubectl describe pod {{name}} -n {{namespace}}` (Events: FailedScheduling). Compare the pod's requests with free capacity (`kubectl describe nodes`, \"Allocated resources\"); lower the requests or add nodes (check the cluster autoscaler's limits). For taints and affinity, compare `kubectl get nodes --show-labels` and `kubectl describe node` (Taints) with the pod's nodeSelector, affinity and tolerations. For volumes, `kubectl get pvc -n {{namespace}}`. For broken nodes, see node-not-ready.",
    references: [
      'https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/',
      'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/',
      'https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/',
    ],
    params: {
      minDuration: {
        default: '5m',
        description:
          'How long the pod must have been unschedulable before the detector fires (autoscalers need a few minutes to add nodes).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withEvents = snapshot.has('v1/Event')
    let brokenNodes: string[] | undefined
    // Nodes that are NotReady or carry a problem taint, computed once and only when a pod needs it.
    const nodesInTrouble = (): string[] => {
      if (brokenNodes) return brokenNodes
      brokenNodes = []
      if (!snapshot.has('v1/Node')) return brokenNodes
      for (const n of snapshot.list('v1/Node')) {
        const ready = conditionOf(n, 'Ready')
        const bad =
          (ready && ready.status !== 'True') ||
          n.spec?.unschedulable === true ||
          PROBLEM_TAINT_KEYS.some((k) => taintOf(n, k))
        if (bad) brokenNodes.push(n.metadata.name)
      }
      return brokenNodes
    }
    for (const pod of snapshot.list('v1/Pod')) {
      if (pod.status?.phase !== 'Pending' || pod.metadata.deletionTimestamp) continue
      const cond = conditionOf(pod, 'PodScheduled')
      if (!cond || cond.status !== 'False' || cond.reason !== 'Unschedulable') continue
      const age = ageMs(cond.lastTransitionTime, now)
      if (age !== undefined && age < min) continue

      const event: KubeObject | undefined = withEvents
        ? lastEventWithReason(snapshot.eventsFor(pod), ['FailedScheduling'])
        : undefined
      const eventMessage = (event as Record<string, unknown> | undefined)?.message
      const text = cond.message ?? (typeof eventMessage === 'string' ? eventMessage : '')
      const { total, clauses } = parseSchedulerMessage(text)

      const data: Record<string, string | number> = {
        for: age === undefined ? 'an unknown time' : humanDuration(age),
      }
      let messageId = 'unschedulable'
      const volume = clauses.find((c) => c.cause === 'volume')
      if (volume) messageId = 'unboundVolume'
      else {
        // Count nodes per cause; control-plane taints are expected and only count when nothing else is said.
        const byCause = new Map<Cause, Clause[]>()
        for (const c of clauses) {
          const list = byCause.get(c.cause)
          if (list) list.push(c)
          else byCause.set(c.cause, [c])
        }
        if (byCause.size > 1) byCause.delete('controlPlane')
        let best: Cause | undefined
        let bestNodes = -1
        for (const cause of PRIORITY) {
          const list = byCause.get(cause)
          if (!list) continue
          const n = list.reduce((s, c) => s + c.nodes, 0)
          if (n > bestNodes) {
            best = cause
            bestNodes = n
          }
        }
        const chosen = best ? (byCause.get(best) as Clause[]) : []
        switch (best) {
          case 'resources':
            messageId = 'insufficientResources'
            data.resource = uniq(chosen.map((c) => c.subject)).join(' and ')
            break
          case 'unhealthy':
            messageId = 'nodesUnavailable'
            data.nodes = bestNodes
            data.problem = uniq(chosen.map((c) => NODE_PROBLEM_TAINTS[c.subject ?? ''])).join(' or ')
            break
          case 'taint':
          case 'controlPlane':
            messageId = 'untoleratedTaint'
            data.taint = uniq(chosen.map((c) => c.subject)).join(', ')
            break
          case 'affinity':
            messageId = 'affinity'
            break
          case 'pods':
            messageId = 'tooManyPods'
            break
          default:
            data.detail = clip(text, 200) || 'the scheduler gave no reason.'
        }
      }

      const evidence: Record<string, unknown> = {
        condition: conditionEvidence({ ...cond, message: clip(cond.message) }, now),
      }
      if (total !== undefined) evidence.nodesConsidered = total
      if (clauses.length)
        evidence.causes = clauses.map((c) => ({ nodes: c.nodes, cause: c.cause, text: clip(c.text, 120) }))
      if (clauses.some((c) => c.cause === 'unhealthy')) {
        evidence.nodeProblem =
          'The scheduler skipped nodes that are not ready, unreachable, under pressure or cordoned: fixing those nodes may be enough.'
        const broken = nodesInTrouble()
        if (broken.length) {
          evidence.nodesInTrouble = broken.slice(0, 10)
          evidence.nodesInTroubleCount = broken.length
        }
      }
      if (event) evidence.event = eventEvidence(event)
      report({ object: pod, messageId, data, evidence })
    }
  },
})
