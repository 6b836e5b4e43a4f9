import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './node-version-skew.js'
import { node } from './lib/fixtures.js'

function kubelet(name: string, version: string): KubeObject {
  const n = node(name)
  n.status = { ...n.status, nodeInfo: { kubeletVersion: version } }
  return n
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every kubelet runs the same minor version, patch levels aside',
      objects: [
        kubelet('a', 'v1.30.4-eks-a737599'),
        kubelet('b', 'v1.30.2-eks-a737599'),
        kubelet('c', 'v1.30.4'),
      ],
    },
    {
      name: 'does not fire on a single node',
      objects: [kubelet('a', 'v1.29.3+k3s1')],
    },
    {
      name: 'ignores nodes that do not report a version (manifests)',
      objects: [kubelet('a', 'v1.30.4'), { apiVersion: 'v1', kind: 'Node', metadata: { name: 'b' } }],
    },
  ],
  invalid: [
    {
      name: 'fires as mixed when a node pool was left one minor version behind',
      objects: [kubelet('a', 'v1.30.4'), kubelet('b', 'v1.30.4'), kubelet('c', 'v1.29.8-gke.1067004')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'mixed',
          data: {
            count: 2,
            newest: 'v1.30',
            oldest: 'v1.29',
            lagging: 1,
            versions: 'v1.30 on 2 node(s), v1.29 on 1 node(s)',
          },
        },
      ],
    },
    {
      name: 'fires as too far behind when a kubelet is three minor versions behind the newest',
      objects: [
        kubelet('a', 'v1.31.1'),
        kubelet('b', 'v1.30.4'),
        kubelet('c', 'v1.28.9'),
        kubelet('d', 'v1.28.9'),
      ],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'tooFarBehind',
          data: { behind: 3, lagging: 2, oldest: 'v1.28', newest: 'v1.31' },
        },
      ],
    },
    {
      name: 'says mixed, not too far behind, when the oldest is exactly two minor versions behind',
      objects: [kubelet('a', 'v1.31.1'), kubelet('b', 'v1.29.4')],
      findings: [{ object: { kind: 'Cluster', name: 'test' }, messageId: 'mixed', data: { count: 2 } }],
    },
    {
      name: 'says too far behind at two minor versions when the allowed skew is one',
      params: { maxMinorSkew: 1 },
      objects: [kubelet('a', 'v1.31.1'), kubelet('b', 'v1.29.4')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'tooFarBehind',
          data: { behind: 2, lagging: 1 },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when nodes were not collected', objects: [], collected: ['v1/Pod'] }],
})
