import { COLLECTION_KEY, type CollectionStatus } from '../core/collection.js'
import { defineDetector } from '../detect/define.js'
import { clip } from './lib/k8s.js'

// Why the API could not be read, from the collector's error codes, in the words on-call needs.
const CAUSES: Record<string, string> = {
  KDAC_E_CLUSTER_UNREACHABLE: 'unreachable',
  KDAC_E_CLUSTER_TLS: 'tls',
  KDAC_E_KUBECONFIG: 'kubeconfig',
}

export default defineDetector({
  meta: {
    id: 'cluster-unreachable',
    title: 'Cluster API cannot be reached',
    description:
      "kubedac could not read the cluster's API at all: the API server did not answer, its certificate was refused, or the kubeconfig entry is unusable. Nothing else about the cluster is known, so every other detector is skipped for it: this finding is the only sign that something is wrong, and its absence from a later scan is the sign it recovered.",
    severity: 'critical',
    category: 'fleet',
    requires: [COLLECTION_KEY],
    messages: {
      unreachable: 'Cluster {{name}} did not answer ({{source}}): {{detail}}',
      tls: 'Cluster {{name}} refused a secure connection ({{source}}): {{detail}}',
      kubeconfig:
        'Cluster {{name}} cannot be scanned: its kubeconfig entry is unusable ({{source}}): {{detail}}',
    },
    remediation:
      "Check the API from where kubedac runs: `kubectl --context {{name}} get --raw /readyz`. If it times out, look at the control plane and the network path (VPN, firewall, private endpoint); if the certificate is refused, compare the kubeconfig's certificate-authority-data with the API server's certificate; if the kubeconfig is unusable, regenerate it (`kubectl config view --minify --context {{name}}`).",
    references: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/'],
    rollup: false,
  },
  detect({ snapshot, report }) {
    const c = snapshot.data<CollectionStatus>(COLLECTION_KEY)
    if (!c || c.status !== 'unreachable') return
    const first = c.errors.find((e) => CAUSES[e.code]) ?? c.errors[0]
    report({
      object: { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster },
      messageId: (first && CAUSES[first.code]) ?? 'unreachable',
      data: { source: c.source, detail: clip(first?.message, 240) ?? 'no detail' },
      evidence: {
        source: c.source,
        errors: c.errors.map((e) => ({ code: e.code, message: clip(e.message) })),
      },
    })
  },
})
