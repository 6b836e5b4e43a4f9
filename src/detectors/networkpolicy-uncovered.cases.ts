import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './networkpolicy-uncovered.js'
import { servicePod } from './lib/networking.js'

function policy(name: string, namespace: string, podSelector: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace, uid: `uid-networkpolicy-${namespace}-${name}` },
    spec: { podSelector, policyTypes: ['Ingress'] },
  }
}
const pod = (name: string, namespace: string, labels: Record<string, string> = { app: name }) =>
  servicePod(name, labels, { namespace, owner: { kind: 'ReplicaSet', name: `${name}-rs` } })
const hostNetworkPod: KubeObject = {
  ...servicePod('node-exporter-x1', { app: 'node-exporter' }, { namespace: 'monitoring' }),
}
hostNetworkPod.spec = { ...hostNetworkPod.spec, hostNetwork: true }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when a default-deny policy covers the namespace',
      objects: [policy('default-deny', 'shop'), pod('web', 'shop'), pod('api', 'shop')],
    },
    {
      name: 'does not fire on system namespaces',
      objects: [pod('coredns', 'kube-system')],
      collected: ['networking.k8s.io/v1/NetworkPolicy'],
    },
    {
      name: 'does not count pods on the host network or finished pods',
      objects: [
        hostNetworkPod,
        { ...pod('migrate', 'shop'), status: { phase: 'Succeeded' } },
        policy('web', 'shop', { matchLabels: { app: 'web' } }),
        pod('web', 'shop'),
      ],
    },
    {
      name: 'does not fire when per-app policies together select every pod',
      objects: [
        policy('web', 'shop', { matchLabels: { app: 'web' } }),
        policy('backends', 'shop', {
          matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'db'] }],
        }),
        pod('web', 'shop'),
        pod('api', 'shop'),
        pod('db', 'shop'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires once for a namespace without any NetworkPolicy, naming its workloads',
      objects: [
        pod('web', 'shop'),
        pod('api', 'shop'),
        policy('default-deny', 'payments'),
        pod('pay', 'payments'),
      ],
      findings: [
        {
          object: { kind: 'Namespace', name: 'shop' },
          messageId: 'noPolicy',
          data: { pods: 2, workloads: 'ReplicaSet/web-rs, ReplicaSet/api-rs' },
        },
      ],
    },
    {
      name: 'fires when some pods of the namespace are selected by no policy',
      objects: [
        policy('web', 'shop', { matchLabels: { app: 'web' } }),
        pod('web', 'shop'),
        pod('api', 'shop'),
      ],
      findings: [
        {
          object: { kind: 'Namespace', name: 'shop' },
          messageId: 'partial',
          data: { uncovered: 1, pods: 2, policies: 1, workloads: 'ReplicaSet/api-rs' },
        },
      ],
    },
    {
      name: 'reports a system namespace once it is removed from systemNamespaces',
      params: { systemNamespaces: [] },
      objects: [pod('coredns', 'kube-system')],
      collected: ['networking.k8s.io/v1/NetworkPolicy'],
      findings: [{ object: { kind: 'Namespace', name: 'kube-system' }, messageId: 'noPolicy' }],
    },
  ],
  skip: [
    {
      name: 'is skipped when NetworkPolicies were not collected (absence would look like no policy at all)',
      objects: [pod('web', 'shop')],
    },
  ],
})
