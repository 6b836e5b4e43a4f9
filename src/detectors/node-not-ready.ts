import { defineDetector } from '../detect/define.js'
import { ageMs, conditionEvidence, conditionOf, humanDuration, parseDuration } from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'node-not-ready',
    title: 'Node is not Ready',
    description:
      'The kubelet on this node reports it cannot run pods (Ready=False), or has stopped reporting at all (Ready=Unknown). Pods on it are not served and, after the eviction timeout, are evicted.',
    severity: 'critical',
    category: 'node',
    requires: ['v1/Node'],
    messages: {
      notReady: 'Node {{name}} has been NotReady for {{for}} ({{reason}}).',
      unknown:
        'Node {{name}} stopped reporting status {{for}} ago: the kubelet is down or the node is unreachable.',
    },
    remediation:
      'Check the node: `kubectl describe node {{name}}`; look at the kubelet (`journalctl -u kubelet`) and the container runtime on it. If the machine is gone, drain and delete it: `kubectl drain {{name}} --ignore-daemonsets --delete-emptydir-data`.',
    references: ['https://kubernetes.io/docs/concepts/architecture/nodes/#condition'],
    params: {
      minDuration: {
        default: '5m',
        description: 'How long Ready must have been false before the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    for (const node of snapshot.list('v1/Node')) {
      const ready = conditionOf(node, 'Ready')
      if (!ready || ready.status === 'True') continue
      const age = ageMs(ready.lastTransitionTime, now)
      // Without a transition time we cannot tell "just now" from "for days": report it.
      if (age !== undefined && age < min) continue
      report({
        object: node,
        messageId: ready.status === 'Unknown' ? 'unknown' : 'notReady',
        data: {
          for: age === undefined ? 'an unknown time' : humanDuration(age),
          reason: ready.reason ?? 'no reason given',
        },
        evidence: {
          condition: conditionEvidence(ready, now),
          unschedulable: node.spec?.unschedulable === true,
        },
      })
    }
  },
})
