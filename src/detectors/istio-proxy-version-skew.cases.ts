import { defineCases } from '../detect/cases.js'
import detector from './istio-proxy-version-skew.js'
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

/** A pod of Deployment `web` in `ns`, injected by `revision` with proxy `version`. */
const webPod = (name: string, ns: string, revision: string, version: string, image?: string) => {
  const spec = injectedSpec(version) as { containers: Record<string, unknown>[] }
  if (image) spec.containers[1]!.image = image
  return withMeta(
    pod(name, {
      namespace: ns,
      owner: { kind: 'ReplicaSet', name: rsName('web') },
      labels: { app: 'web' },
      spec,
    }),
    {
      labels: { 'istio.io/rev': revision },
      annotations: { 'sidecar.istio.io/status': sidecarStatus(revision) },
    },
  )
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when proxies and istiod run the same version',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        istiodDeployment('', '1.22.3'),
        injectorWebhook(),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', 'default', '1.22.3'),
      ],
    },
    {
      name: 'does not fire on a patch-only difference (1.22.1 proxy, 1.22.3 istiod)',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        istiodDeployment('', '1.22.3'),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', 'default', '1.22.1-distroless'),
      ],
    },
    {
      name: 'does not fire during a canary upgrade on a namespace still on the old revision, one minor behind',
      now: NOW,
      objects: [
        namespace('shop', { 'istio.io/rev': '1-21' }),
        istiodDeployment('1-21', '1.21.2'),
        istiodDeployment('1-22', '1.22.3'),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', '1-21', '1.21.2'),
      ],
    },
    {
      name: 'does not fire when the namespace tag points at the revision the pod runs',
      now: NOW,
      objects: [
        namespace('shop', { 'istio.io/rev': 'prod-stable' }),
        istiodDeployment('1-22', '1.22.3'),
        revisionTagWebhook('prod-stable', '1-22'),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', '1-22', '1.22.3'),
      ],
    },
    {
      name: 'does not fire on a proxy pinned by digest, whose version cannot be read',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        istiodDeployment('', '1.22.3'),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', 'default', '', 'docker.io/istio/proxyv2@sha256:0123456789abcdef'),
      ],
    },
    {
      name: 'does not fire when the control plane is not in the cluster (a managed mesh)',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', 'default', '1.18.0'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment whose proxies are two minor versions behind istiod',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        istiodDeployment('', '1.22.3'),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', 'default', '1.20.1'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'tooFarBehind',
          data: { proxyVersion: '1.20.1', istiodVersion: '1.22.3', behind: 2 },
        },
      ],
    },
    {
      name: 'fires when the namespace moved to a new revision and the pod was not restarted',
      now: NOW,
      objects: [
        namespace('shop', { 'istio.io/rev': '1-22' }),
        istiodDeployment('1-21', '1.21.2'),
        istiodDeployment('1-22', '1.22.3'),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', '1-21', '1.21.2'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'revisionMismatch',
          data: {
            podRevision: '1-21',
            targetRevision: '1-22',
            restart: '`kubectl rollout restart deployment/web -n shop`',
          },
        },
      ],
    },
    {
      name: 'fires when a revision tag was moved to the new revision and the pod still runs the old one',
      now: NOW,
      objects: [
        namespace('shop', { 'istio.io/rev': 'prod-stable' }),
        istiodDeployment('1-21', '1.21.2'),
        istiodDeployment('1-22', '1.22.3'),
        revisionTagWebhook('prod-stable', '1-22'),
        pod('batch-1', { namespace: 'shop', spec: injectedSpec('1.21.2') }),
        withMeta(pod('batch-2', { namespace: 'shop', spec: injectedSpec('1.21.2') }), {
          annotations: { 'sidecar.istio.io/status': sidecarStatus('1-21') },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'shop', name: 'batch-2' },
          messageId: 'revisionMismatch',
          data: { podRevision: '1-21', targetRevision: '1-22' },
        },
      ],
    },
    {
      name: 'fires after an in-place upgrade on a pod still running the previous minor version',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        istiodDeployment('', '1.22.3'),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', 'default', '1.21.4'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'versionMismatch',
          data: { proxyVersion: '1.21.4', istiodVersion: '1.22.3', podRevision: 'default' },
        },
      ],
    },
    {
      name: 'a maxMinorSkew of 0 reports a proxy one minor behind the newest istiod',
      now: NOW,
      params: { maxMinorSkew: 0 },
      objects: [
        namespace('shop', { 'istio.io/rev': '1-21' }),
        istiodDeployment('1-21', '1.21.2'),
        istiodDeployment('1-22', '1.22.3'),
        ...deployment('web', { namespace: 'shop' }),
        webPod('web-a', 'shop', '1-21', '1.21.2'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'tooFarBehind',
          data: { behind: 1 },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when Deployments were not collected',
      objects: [webPod('web-a', 'shop', 'default', '1.20.1')],
    },
  ],
})
