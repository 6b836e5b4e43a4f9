import { defineDetector } from '../detect/define.js'
import { ageMs, conditionOf, humanDuration, nodeConditionEvidence } from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'node-pid-pressure',
    title: 'Node is running out of process ids',
    description:
      'The kubelet reports PIDPressure: the processes and threads on the node are close to the limit the kernel allows, usually because a container leaks processes or threads. New processes fail to start, the kubelet evicts pods, and the node takes no new pods.',
    severity: 'warning',
    category: 'node',
    requires: ['v1/Node'],
    optional: ['v1/Event'],
    messages: {
      pidPressure:
        'Node {{name}} is running out of process ids (for {{for}}): programs on it cannot start new processes or threads, and the node accepts no new pods.',
    },
    remediation:
      'Find the pod with the most processes: on the node, `ps -eLf | wc -l` and `ps -e -o pid,nlwp,cmd --sort=-nlwp | head`; `kubectl describe node {{name}}` shows the condition and events. Fix the leak in that application, and cap processes per pod with the kubelet setting `podPidsLimit`.',
    references: [
      'https://kubernetes.io/docs/concepts/policy/pid-limiting/',
      'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
    ],
  },
  detect({ snapshot, report, now }) {
    for (const node of snapshot.list('v1/Node')) {
      const c = conditionOf(node, 'PIDPressure')
      if (!c || c.status !== 'True') continue
      const age = ageMs(c.lastTransitionTime, now)
      report({
        object: node,
        messageId: 'pidPressure',
        data: { for: age === undefined ? 'an unknown time' : humanDuration(age) },
        evidence: nodeConditionEvidence(snapshot, node, c, now, 'node.kubernetes.io/pid-pressure', [
          'EvictionThresholdMet',
        ]),
      })
    }
  },
})
