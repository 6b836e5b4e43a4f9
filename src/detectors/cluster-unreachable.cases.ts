import { COLLECTION_KEY } from '../core/collection.js'
import { defineCases } from '../detect/cases.js'
import detector from './cluster-unreachable.js'

const status = (s: string, errors: { code: string; message: string }[] = []) => ({
  [COLLECTION_KEY]: { status: s, source: 'kubeconfig:prod-eu-1', errors },
})

export default defineCases(detector, {
  valid: [
    { name: 'does not fire on a cluster that was scanned', objects: [], data: status('scanned') },
    {
      name: 'does not fire on a partial scan: the API answered, some kinds were forbidden',
      objects: [],
      data: status('partial', [
        { code: 'KDAC_E_CLUSTER_AUTH', message: 'prod-eu-1: forbidden to list secrets' },
      ]),
    },
  ],
  invalid: [
    {
      name: 'fires when the API server did not answer',
      objects: [],
      data: status('unreachable', [
        { code: 'KDAC_E_CLUSTER_UNREACHABLE', message: 'prod-eu-1: connect ECONNREFUSED 10.0.0.1:6443' },
      ]),
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'unreachable',
          data: { source: 'kubeconfig:prod-eu-1', detail: 'prod-eu-1: connect ECONNREFUSED 10.0.0.1:6443' },
        },
      ],
    },
    {
      name: 'fires with the certificate cause when TLS failed',
      objects: [],
      data: status('unreachable', [
        { code: 'KDAC_E_CLUSTER_TLS', message: 'prod-eu-1: self-signed certificate' },
      ]),
      findings: [{ object: { kind: 'Cluster', name: 'test' }, messageId: 'tls' }],
    },
    {
      name: 'fires with the kubeconfig cause when the context cannot be used',
      objects: [],
      data: status('unreachable', [{ code: 'KDAC_E_KUBECONFIG', message: 'no context named prod-eu-1' }]),
      findings: [{ object: { kind: 'Cluster', name: 'test' }, messageId: 'kubeconfig' }],
    },
  ],
  skip: [{ name: 'is skipped when nothing recorded how collection went', objects: [] }],
})
