import { defineCases } from '../detect/cases.js'
import detector from './istio-ambient-sidecar-conflict.js'
import { deployment, pod, rsName } from './lib/fixtures.js'
import { injectedSpec, namespace, proxyContainer, sidecarStatus, withMeta } from './lib/mesh-gitops.js'

const NOW = '2026-03-01T12:00:00Z'
const ambient = (labels: Record<string, string> = {}) =>
  namespace('mesh', { 'istio.io/dataplane-mode': 'ambient', ...labels })
const sidecarPod = (name: string, ns = 'mesh') =>
  withMeta(
    pod(name, {
      namespace: ns,
      owner: { kind: 'ReplicaSet', name: rsName('web') },
      labels: { app: 'web' },
      spec: injectedSpec(),
    }),
    { annotations: { 'sidecar.istio.io/status': sidecarStatus() } },
  )
const plain = (name: string) =>
  withMeta(pod(name, { namespace: 'mesh' }), { annotations: { 'ambient.istio.io/redirection': 'enabled' } })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on an ambient namespace whose pods have no sidecars',
      now: NOW,
      objects: [ambient({ 'istio.io/rev': '1-22' }), plain('api-1'), plain('api-2')],
    },
    {
      name: 'does not fire on a waypoint proxy in an ambient namespace',
      now: NOW,
      objects: [
        ambient(),
        withMeta(
          pod('waypoint-5d8f', {
            namespace: 'mesh',
            spec: {
              containers: [
                proxyContainer('1.22.3', {
                  args: ['proxy', 'waypoint', '--domain', 'mesh.svc.cluster.local'],
                }),
              ],
            },
          }),
          { labels: { 'gateway.istio.io/managed': 'istio.io-mesh-controller' } },
        ),
      ],
    },
    {
      name: 'does not fire on a sidecar pod that opted out of ambient with istio.io/dataplane-mode=none',
      now: NOW,
      objects: [
        ambient(),
        withMeta(sidecarPod('legacy-1'), { labels: { 'istio.io/dataplane-mode': 'none' } }),
      ],
    },
    {
      name: 'does not fire on sidecar pods in a sidecar namespace',
      now: NOW,
      objects: [namespace('shop', { 'istio-injection': 'enabled' }), sidecarPod('web-a', 'shop')],
    },
  ],
  invalid: [
    {
      name: 'fires on an ambient namespace that still has istio-injection=enabled, and on its sidecar workload',
      now: NOW,
      objects: [
        ambient({ 'istio-injection': 'enabled' }),
        ...deployment('web', { namespace: 'mesh' }),
        sidecarPod('web-a'),
      ],
      findings: [
        { object: { kind: 'Namespace', name: 'mesh' }, messageId: 'injectionLabel', data: { ns: 'mesh' } },
        {
          object: { kind: 'Deployment', namespace: 'mesh', name: 'web' },
          messageId: 'sidecarPod',
          data: {
            where: 'namespace mesh',
            cause: '; the namespace label istio-injection=enabled keeps adding them',
            restart: '`kubectl rollout restart deployment/web -n mesh`',
          },
        },
      ],
    },
    {
      name: 'fires on a pod left with its sidecar after the namespace moved to ambient',
      now: NOW,
      objects: [ambient(), ...deployment('web', { namespace: 'mesh' }), sidecarPod('web-a'), plain('api-1')],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'mesh', name: 'web' },
          messageId: 'sidecarPod',
          data: { cause: '' },
        },
      ],
    },
    {
      name: 'fires on a pod labeled ambient itself that carries a sidecar',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        withMeta(sidecarPod('web-a', 'shop'), { labels: { 'istio.io/dataplane-mode': 'ambient' } }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'shop', name: 'web-a' },
          messageId: 'sidecarPod',
          data: { where: 'the pod itself' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when namespaces were not collected', objects: [sidecarPod('web-a')] }],
})
