import { defineDetector } from '../detect/define.js'
import { ageMs, conditionOf, humanDuration, nodeConditionEvidence } from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'node-network-unavailable',
    title: 'Node network is not set up',
    description:
      "NetworkUnavailable is True: the network plugin (CNI) or the cloud's route controller has not configured pod networking on this node. Pods there cannot reach, or be reached from, pods on other nodes, and the node takes no new pods.",
    severity: 'warning',
    category: 'node',
    requires: ['v1/Node'],
    messages: {
      networkUnavailable:
        'The pod network on node {{name}} is not set up (for {{for}}, {{reason}}): pods there cannot talk to the rest of the cluster.',
    },
    remediation:
      'Check the network plugin pod on the node: `kubectl get pods -A -o wide --field-selector spec.nodeName={{name}}` (calico-node, cilium, aws-node, kube-flannel…) and its logs; `kubectl describe node {{name}}` shows who set the condition. On cloud providers, check the route controller in the cloud-controller-manager logs and the route table quota.',
    references: ['https://kubernetes.io/docs/reference/node/node-status/#condition'],
  },
  detect({ snapshot, report, now }) {
    for (const node of snapshot.list('v1/Node')) {
      const c = conditionOf(node, 'NetworkUnavailable')
      if (!c || c.status !== 'True') continue
      const age = ageMs(c.lastTransitionTime, now)
      report({
        object: node,
        messageId: 'networkUnavailable',
        data: {
          for: age === undefined ? 'an unknown time' : humanDuration(age),
          reason: c.reason ?? 'no reason given',
        },
        evidence: nodeConditionEvidence(snapshot, node, c, now, 'node.kubernetes.io/network-unavailable', []),
      })
    }
  },
})
