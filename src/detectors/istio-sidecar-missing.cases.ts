import { defineCases } from '../detect/cases.js'
import detector from './istio-sidecar-missing.js'
import { deployment, pod, rsName } from './lib/fixtures.js'
import {
  injectedSpec,
  injectorWebhook,
  istiodDeployment,
  namespace,
  sidecarStatus,
  withMeta,
} from './lib/mesh-gitops.js'

const NOW = '2026-03-01T12:00:00Z'
const shop = namespace('shop', { 'istio-injection': 'enabled' })
const plainSpec = { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] }

const webPod = (name: string, spec: Record<string, unknown> = plainSpec, ns = 'shop') =>
  pod(name, {
    namespace: ns,
    owner: { kind: 'ReplicaSet', name: rsName('web') },
    labels: { app: 'web' },
    spec,
  })

const injected = (name: string, ns = 'shop') =>
  withMeta(webPod(name, injectedSpec(), ns), { annotations: { 'sidecar.istio.io/status': sidecarStatus() } })

const controlPlane = [istiodDeployment(), injectorWebhook()]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every pod of an injected namespace has its sidecar',
      now: NOW,
      objects: [
        shop,
        ...controlPlane,
        ...deployment('web', { namespace: 'shop' }),
        injected('web-a'),
        injected('web-b'),
      ],
    },
    {
      name: 'does not fire on a pod running the proxy as a native sidecar (init container, restartPolicy Always)',
      now: NOW,
      objects: [
        shop,
        ...controlPlane,
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', injectedSpec('1.22.3', { native: true })),
      ],
    },
    {
      name: 'does not fire on a pod that opted out with sidecar.istio.io/inject=false',
      now: NOW,
      objects: [
        shop,
        ...controlPlane,
        ...deployment('web', { namespace: 'shop' }),
        withMeta(webPod('web-a'), { labels: { 'sidecar.istio.io/inject': 'false' } }),
        withMeta(webPod('web-b'), { annotations: { 'sidecar.istio.io/inject': 'false' } }),
      ],
    },
    {
      name: 'does not fire on host-network pods, completed job pods or pods still pending',
      now: NOW,
      objects: [
        shop,
        ...controlPlane,
        pod('node-agent', { namespace: 'shop', spec: { ...plainSpec, hostNetwork: true } }),
        pod('report-29384-abc', {
          namespace: 'shop',
          phase: 'Succeeded',
          owner: { kind: 'Job', name: 'report-29384', apiVersion: 'batch/v1' },
        }),
        pod('starting', { namespace: 'shop', phase: 'Pending' }),
      ],
    },
    {
      name: 'does not fire in a namespace with istio-injection=disabled, even when the pod asks by label',
      now: NOW,
      objects: [
        namespace('legacy', { 'istio-injection': 'disabled' }),
        ...controlPlane,
        withMeta(pod('old', { namespace: 'legacy' }), { labels: { 'sidecar.istio.io/inject': 'true' } }),
      ],
    },
    {
      name: 'does not fire in kube-system, which Istio never injects, whatever its labels',
      now: NOW,
      objects: [
        namespace('kube-system', { 'istio-injection': 'enabled' }),
        ...controlPlane,
        pod('coredns-1', { namespace: 'kube-system' }),
      ],
    },
    {
      name: 'does not fire on a pod labeled sidecar.istio.io/inject=true in a cluster without Istio',
      now: NOW,
      objects: [
        namespace('apps'),
        withMeta(pod('api', { namespace: 'apps' }), { labels: { 'sidecar.istio.io/inject': 'true' } }),
      ],
      collected: ['admissionregistration.k8s.io/v1/MutatingWebhookConfiguration', 'apps/v1/Deployment'],
    },
    {
      name: 'does not fire in an ambient namespace without injection labels',
      now: NOW,
      objects: [
        namespace('mesh', { 'istio.io/dataplane-mode': 'ambient' }),
        ...controlPlane,
        pod('api', { namespace: 'mesh' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment whose pod started without a sidecar in an injected namespace',
      now: NOW,
      objects: [
        shop,
        ...controlPlane,
        ...deployment('web', { namespace: 'shop' }),
        injected('web-a'),
        webPod('web-b'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missing',
          data: {
            pod: 'web-b',
            reason: 'namespace shop is labeled istio-injection=enabled',
            restart: '`kubectl rollout restart deployment/web -n shop`',
          },
        },
      ],
    },
    {
      name: 'fires with noInjector when the namespace names a revision no webhook serves',
      now: NOW,
      objects: [
        namespace('payments', { 'istio.io/rev': 'canary' }),
        ...controlPlane,
        pod('pay', { namespace: 'payments' }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'payments', name: 'pay' },
          messageId: 'noInjector',
          data: { revision: 'canary', reason: 'namespace payments is labeled istio.io/rev=canary' },
        },
      ],
    },
    {
      name: 'fires on a pod that asks for a sidecar by label in a cluster running Istio',
      now: NOW,
      objects: [
        namespace('apps'),
        ...controlPlane,
        withMeta(pod('api', { namespace: 'apps' }), { labels: { 'sidecar.istio.io/inject': 'true' } }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'apps', name: 'api' },
          messageId: 'missing',
          data: { reason: 'the pod is labeled sidecar.istio.io/inject=true', revision: 'default' },
        },
      ],
    },
    {
      name: 'fires with the plain message when webhooks were not collected, so the injector cannot be checked',
      now: NOW,
      objects: [namespace('payments', { 'istio.io/rev': 'canary' }), pod('pay', { namespace: 'payments' })],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'payments', name: 'pay' },
          messageId: 'missing',
          data: { revision: 'canary' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when namespaces were not collected',
      objects: [pod('api', { namespace: 'apps' })],
    },
  ],
})
