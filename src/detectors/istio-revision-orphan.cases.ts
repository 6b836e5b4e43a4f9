import { defineCases } from '../detect/cases.js'
import detector from './istio-revision-orphan.js'
import { deployment, pod, rsName } from './lib/fixtures.js'
import {
  injectedSpec,
  injectorWebhook,
  istiodDeployment,
  namespace,
  revisionTagWebhook,
  sidecarStatus,
  withMeta,
} from './lib/mesh-gitops.js'

const NOW = '2026-03-01T12:00:00Z'
const MWC = 'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration'

const meshedPod = (name: string, ns: string, revision: string) =>
  withMeta(
    pod(name, {
      namespace: ns,
      owner: { kind: 'ReplicaSet', name: rsName('web') },
      labels: { app: 'web' },
      spec: injectedSpec(),
    }),
    {
      labels: { 'istio.io/rev': revision },
      annotations: { 'sidecar.istio.io/status': sidecarStatus(revision) },
    },
  )

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when namespaces name revisions and tags that exist',
      now: NOW,
      objects: [
        namespace('shop', { 'istio.io/rev': '1-22' }),
        namespace('payments', { 'istio.io/rev': 'prod-stable' }),
        namespace('legacy', { 'istio-injection': 'enabled' }),
        istiodDeployment('1-22'),
        injectorWebhook('1-22'),
        revisionTagWebhook('prod-stable', '1-22'),
        revisionTagWebhook('default', '1-22'),
        ...deployment('web', { namespace: 'shop' }),
        meshedPod('web-a', 'shop', '1-22'),
      ],
    },
    {
      name: 'does not fire on a remote cluster whose istiod runs elsewhere (webhooks, no istiod Deployment)',
      now: NOW,
      objects: [namespace('shop', { 'istio.io/rev': '1-22' }), injectorWebhook('1-22')],
      collected: ['apps/v1/Deployment'],
    },
    {
      name: 'does not count a revision whose only webhook was deactivated by istioctl tag',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        istiodDeployment('1-22'),
        injectorWebhook('1-22'),
        revisionTagWebhook('default', '1-22'),
        {
          ...injectorWebhook(),
          metadata: { name: 'istio-sidecar-injector-deactivated', labels: { 'istio.io/rev': 'default' } },
        },
      ],
    },
    {
      name: 'does not fire on a namespace with istio-injection=disabled beside a revision label (another detector says it)',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'disabled', 'istio.io/rev': 'gone' }),
        istiodDeployment(),
        injectorWebhook(),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a namespace labeled with a revision that was removed after an upgrade',
      now: NOW,
      objects: [
        namespace('shop', { 'istio.io/rev': '1-20' }),
        istiodDeployment('1-22'),
        injectorWebhook('1-22'),
      ],
      findings: [
        {
          object: { kind: 'Namespace', name: 'shop' },
          messageId: 'namespaceOrphan',
          key: '1-20',
          data: { revision: '1-20', known: '1-22', ns: 'shop' },
        },
      ],
    },
    {
      name: 'fires with defaultMissing when istio-injection=enabled but only a revisioned control plane serves',
      now: NOW,
      objects: [
        namespace('legacy', { 'istio-injection': 'enabled' }),
        istiodDeployment('1-22'),
        injectorWebhook('1-22'),
      ],
      findings: [
        {
          object: { kind: 'Namespace', name: 'legacy' },
          messageId: 'defaultMissing',
          data: { known: '1-22' },
        },
      ],
    },
    {
      name: 'fires with noIstiod when the webhook of the revision remains but its istiod is gone',
      now: NOW,
      objects: [
        namespace('shop', { 'istio.io/rev': '1-21' }),
        istiodDeployment('1-22'),
        injectorWebhook('1-22'),
        injectorWebhook('1-21'),
      ],
      findings: [
        { object: { kind: 'Namespace', name: 'shop' }, messageId: 'noIstiod', data: { revision: '1-21' } },
      ],
    },
    {
      name: 'fires on the Deployment whose pods still run a sidecar of a removed revision',
      now: NOW,
      objects: [
        namespace('shop'),
        istiodDeployment('1-22'),
        injectorWebhook('1-22'),
        ...deployment('web', { namespace: 'shop' }),
        meshedPod('web-a', 'shop', '1-21'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'podOrphan',
          key: '1-21',
          data: { revision: '1-21', restart: '`kubectl rollout restart deployment/web -n shop`' },
        },
      ],
    },
    {
      name: 'fires with noIstio on leftover injection labels in a cluster without Istio',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        namespace('payments', { 'istio.io/rev': '1-22' }),
      ],
      collected: [MWC],
      findings: [
        {
          object: { kind: 'Namespace', name: 'shop' },
          messageId: 'noIstio',
          data: { label: 'istio-injection=enabled' },
        },
        {
          object: { kind: 'Namespace', name: 'payments' },
          messageId: 'noIstio',
          data: { label: 'istio.io/rev=1-22' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when webhooks were not collected (the revisions cannot be known)',
      objects: [namespace('shop', { 'istio.io/rev': '1-20' }), istiodDeployment('1-22')],
    },
  ],
})
