import { defineDetector } from '../detect/define.js'
import { ageMs, conditionOf, humanDuration, nodeConditionEvidence } from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'node-memory-pressure',
    title: 'Node is running out of memory',
    description:
      'The kubelet reports MemoryPressure: free memory on the node fell below its eviction threshold (100Mi by default). It evicts pods to recover, starting with those using more memory than they requested, and the node takes no new pods until the pressure ends.',
    severity: 'warning',
    category: 'node',
    requires: ['v1/Node'],
    optional: ['v1/Event'],
    messages: {
      memoryPressure:
        'Node {{name}} is running out of memory (for {{for}}): the kubelet is evicting pods to free memory and the node accepts no new pods.',
    },
    remediation:
      'See what uses the memory: `kubectl describe node {{name}}` (Allocated resources, Events) and `kubectl top pods -A --sort-by=memory`. Set memory requests close to real usage and memory limits on the pods that grow, spread them out, or give the node pool more memory.',
    references: [
      'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
      'https://kubernetes.io/docs/reference/node/node-status/#condition',
    ],
  },
  detect({ snapshot, report, now }) {
    for (const node of snapshot.list('v1/Node')) {
      const c = conditionOf(node, 'MemoryPressure')
      if (!c || c.status !== 'True') continue
      const age = ageMs(c.lastTransitionTime, now)
      report({
        object: node,
        messageId: 'memoryPressure',
        data: { for: age === undefined ? 'an unknown time' : humanDuration(age) },
        evidence: nodeConditionEvidence(snapshot, node, c, now, 'node.kubernetes.io/memory-pressure', [
          'EvictionThresholdMet',
        ]),
      })
    }
  },
})
