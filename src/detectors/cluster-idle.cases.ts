import { defineCases } from '../detect/cases.js'
import detector from './cluster-idle.js'
import { deployment, node, pod } from './lib/fixtures.js'

const platform = [
  pod('coredns-5d78c9869d-abcde', { namespace: 'kube-system' }),
  pod('kube-proxy-x1', { namespace: 'kube-system' }),
  pod('ingress-nginx-controller-7f9c', { namespace: 'ingress-nginx' }),
  pod('prometheus-0', { namespace: 'monitoring' }),
]
const nodes = [node('n1'), node('n2')]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when an app pod runs in the default namespace',
      objects: [...nodes, ...platform, pod('web-7d9f8b6c5d-a')],
    },
    {
      name: 'does not fire when a team namespace only looks like a system one',
      objects: [...nodes, ...platform, pod('dashboards-0', { namespace: 'monitoring-team-a' })],
    },
    {
      name: 'does not fire on a pending app pod (someone is trying to run it)',
      objects: [...nodes, ...platform, pod('web-1', { namespace: 'shop', phase: 'Pending' })],
    },
  ],
  invalid: [
    {
      name: 'fires when only system pods run',
      objects: [...nodes, ...platform],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'idle',
          data: { nodes: 2, cpu: '8', memory: '32Gi' },
        },
      ],
    },
    {
      name: 'fires when app namespaces only hold finished job pods',
      objects: [
        ...nodes,
        ...platform,
        pod('report-28401234-x', { namespace: 'batch', phase: 'Succeeded' }),
        pod('report-28401235-y', { namespace: 'batch', phase: 'Failed' }),
      ],
      findings: [{ object: { kind: 'Cluster', name: 'test' }, messageId: 'idle' }],
    },
    {
      name: 'treats any kube-* namespace as a system namespace',
      objects: [...nodes, ...platform, pod('kube-flannel-ds-abc', { namespace: 'kube-flannel' })],
      findings: [{ object: { kind: 'Cluster', name: 'test' }, messageId: 'idle' }],
    },
    {
      name: 'fires when the team lists its own platform namespace in systemNamespaces',
      params: { systemNamespaces: ['kube-system', 'ingress-nginx', 'monitoring', 'platform-tools'] },
      objects: [...nodes, ...platform, pod('backup-agent-0', { namespace: 'platform-tools' })],
      findings: [{ object: { kind: 'Cluster', name: 'test' }, messageId: 'idle' }],
    },
  ],
  skip: [
    {
      name: 'is skipped on rendered manifests without nodes',
      objects: [...deployment('web'), { ...pod('web-7d9f8b6c5d-a'), status: undefined }],
    },
  ],
})
