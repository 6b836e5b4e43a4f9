import { defineCases } from '../detect/cases.js'
import detector from './bare-pod.js'
import { deployment, pod, rsName } from './lib/fixtures.js'

const mirror = (name: string, namespace: string, withOwner: boolean) => {
  const p = pod(name, { namespace })
  p.metadata.annotations = {
    'kubernetes.io/config.mirror': '5f1c0d4e',
    'kubernetes.io/config.source': 'file',
  }
  if (withOwner)
    p.metadata.ownerReferences = [
      { apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-1-uid', controller: true },
    ]
  return p
}

export default defineCases(detector, {
  valid: [
    {
      name: "does not fire on a ReplicaSet's pod",
      objects: [...deployment('web'), pod('web-1', { owner: { kind: 'ReplicaSet', name: rsName('web') } })],
    },
    {
      name: 'does not fire on a pod whose owner was not collected (it still has a controller)',
      objects: [pod('web-1', { owner: { kind: 'ReplicaSet', name: 'web-5c4f' } })],
    },
    {
      name: 'does not fire on a finished one-off pod',
      objects: [pod('migrate', { phase: 'Succeeded' }), pod('broken-run', { phase: 'Failed' })],
    },
    {
      name: 'does not fire on static (mirror) pods, with or without the Node owner reference',
      objects: [
        mirror('kube-apiserver-node-1', 'kube-system', true),
        mirror('haproxy-node-2', 'ingress', false),
      ],
    },
    { name: 'does not fire in kube-system', objects: [pod('etcd-helper', { namespace: 'kube-system' })] },
  ],
  invalid: [
    {
      name: 'fires on a running pod without owner',
      objects: [pod('debug-shell', { namespace: 'shop' })],
      findings: [{ object: { kind: 'Pod', namespace: 'shop', name: 'debug-shell' }, messageId: 'unmanaged' }],
    },
    {
      name: 'fires on a Pod manifest in Git, which has no status',
      objects: [{ ...pod('toolbox', { namespace: 'ops' }), status: undefined }],
      findings: [{ object: { kind: 'Pod', namespace: 'ops', name: 'toolbox' }, messageId: 'unmanaged' }],
    },
    {
      name: 'fires on a pod with an empty ownerReferences list',
      objects: [{ ...pod('orphan'), metadata: { ...pod('orphan').metadata, ownerReferences: [] } }],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'orphan' }, messageId: 'unmanaged' }],
    },
    {
      name: 'fires in kube-system when the exclusion list is emptied, but still not on mirror pods',
      params: { excludeNamespaces: [] },
      objects: [
        pod('etcd-helper', { namespace: 'kube-system' }),
        mirror('kube-apiserver-node-1', 'kube-system', true),
      ],
      findings: [
        { object: { kind: 'Pod', namespace: 'kube-system', name: 'etcd-helper' }, messageId: 'unmanaged' },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: deployment('web') }],
})
