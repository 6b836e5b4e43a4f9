import { defineDetector } from '../detect/define.js'
import { ageMs, conditionOf, humanDuration, nodeConditionEvidence } from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'node-disk-pressure',
    title: 'Node is running out of disk space',
    description:
      "The kubelet reports DiskPressure: the node's root or image filesystem is nearly full (by default under 10% free space, 15% for images, or 5% free inodes). It deletes unused images and evicts pods to recover, and the node takes no new pods until the pressure ends.",
    severity: 'warning',
    category: 'node',
    requires: ['v1/Node'],
    optional: ['v1/Event'],
    messages: {
      diskPressure:
        'Node {{name}} is running out of disk space (for {{for}}): the kubelet is deleting images and evicting pods, and the node accepts no new pods.',
    },
    remediation:
      'See what fills the disk: `kubectl describe node {{name}}` (Conditions, Events); on the node, `df -h` and `df -i` for the kubelet and container runtime directories, and large container logs or emptyDir volumes. Clean up, cap logs and emptyDir (`sizeLimit`), set `ephemeral-storage` requests and limits, or give the nodes bigger disks.',
    references: [
      'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
      'https://kubernetes.io/docs/concepts/architecture/garbage-collection/#containers-images',
    ],
  },
  detect({ snapshot, report, now }) {
    for (const node of snapshot.list('v1/Node')) {
      const c = conditionOf(node, 'DiskPressure')
      if (!c || c.status !== 'True') continue
      const age = ageMs(c.lastTransitionTime, now)
      report({
        object: node,
        messageId: 'diskPressure',
        data: { for: age === undefined ? 'an unknown time' : humanDuration(age) },
        evidence: nodeConditionEvidence(snapshot, node, c, now, 'node.kubernetes.io/disk-pressure', [
          'FreeDiskSpaceFailed',
          'ImageGCFailed',
          'EvictionThresholdMet',
        ]),
      })
    }
  },
})
