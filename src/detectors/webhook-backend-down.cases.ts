import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import { deployment } from './lib/fixtures.js'
import { endpointSlice, service, servicePod } from './lib/networking.js'
import detector from './webhook-backend-down.js'

const NOW = '2026-03-01T12:00:00Z'
const podRules = [
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'], scope: '*' },
]

function webhookConfig(
  name: string,
  webhooks: Record<string, unknown>[],
  kind = 'ValidatingWebhookConfiguration',
  apiVersion = 'admissionregistration.k8s.io/v1',
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, uid: `uid-${kind.toLowerCase()}-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    webhooks: webhooks.map((w) => ({
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      timeoutSeconds: 10,
      rules: podRules,
      ...w,
    })),
  }
}
const policyWebhook = (extra: Record<string, unknown> = {}) =>
  webhookConfig('policy-engine', [
    {
      name: 'validate.policy.example.com',
      failurePolicy: 'Fail',
      clientConfig: {
        service: { namespace: 'policy', name: 'policy-webhook', path: '/validate', port: 443 },
      },
      ...extra,
    },
  ])
const backend = { app: 'policy-webhook' }
const webhookService = () =>
  service('policy-webhook', { namespace: 'policy', ports: [{ name: 'https', port: 443, targetPort: 9443 }] })
const slice = (ready: boolean, changed?: string) =>
  endpointSlice('policy-webhook', [{ pod: 'policy-webhook-1', ready }], {
    namespace: 'policy',
    ...(changed ? { changed } : {}),
  })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the webhook Service has a ready endpoint',
      now: NOW,
      objects: [policyWebhook(), webhookService(), slice(true)],
    },
    {
      name: 'does not fire on a webhook that fails open (failurePolicy Ignore)',
      now: NOW,
      objects: [policyWebhook({ failurePolicy: 'Ignore' }), webhookService(), slice(false)],
    },
    {
      name: 'does not fire on a v1beta1 webhook without failurePolicy (it defaulted to Ignore)',
      now: NOW,
      objects: [
        webhookConfig(
          'old',
          [{ name: 'old.example.com', clientConfig: { service: { namespace: 'policy', name: 'gone' } } }],
          'ValidatingWebhookConfiguration',
          'admissionregistration.k8s.io/v1beta1',
        ),
        webhookService(),
      ],
    },
    {
      name: 'does not fire on a webhook called by URL (outside the cluster)',
      now: NOW,
      objects: [
        webhookConfig('external', [
          { name: 'ext.example.com', clientConfig: { url: 'https://hooks.example.com/v' } },
        ]),
        webhookService(),
      ],
    },
    {
      name: 'does not fire yet while the only webhook pod restarts',
      now: NOW,
      objects: [
        policyWebhook(),
        webhookService(),
        slice(false, '2026-03-01T11:59:30Z'),
        servicePod('policy-webhook-1', backend, {
          namespace: 'policy',
          ready: false,
          since: '2026-03-01T11:59:30Z',
        }),
      ],
    },
    {
      name: 'does not fire on rendered manifests (neither endpoints nor pods collected)',
      now: NOW,
      objects: [policyWebhook(), service('other', { namespace: 'policy' })],
    },
    {
      name: 'uses ready pods when endpoints were not collected',
      now: NOW,
      objects: [
        policyWebhook(),
        webhookService(),
        servicePod('policy-webhook-1', backend, { namespace: 'policy' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the webhook Service does not exist (an uninstalled operator left its webhook)',
      now: NOW,
      objects: [policyWebhook(), service('other', { namespace: 'policy' })],
      collected: ['discovery.k8s.io/v1/EndpointSlice'],
      findings: [
        {
          object: { kind: 'ValidatingWebhookConfiguration', name: 'policy-engine' },
          messageId: 'serviceMissing',
          key: 'validate.policy.example.com',
          data: { service: 'policy/policy-webhook', intercepts: 'CREATE, UPDATE on pods' },
        },
      ],
    },
    {
      name: 'fires naming why the webhook pods are not ready',
      now: NOW,
      objects: [
        policyWebhook(),
        webhookService(),
        slice(false, '2026-03-01T11:00:00Z'),
        servicePod('policy-webhook-1', backend, {
          namespace: 'policy',
          ready: false,
          waiting: 'CrashLoopBackOff',
          since: '2026-03-01T11:00:00Z',
        }),
      ],
      findings: [
        {
          object: { kind: 'ValidatingWebhookConfiguration', name: 'policy-engine' },
          messageId: 'noEndpoints',
          data: {
            for: '1h',
            cause: ': its pods are not ready (policy-webhook-1: CrashLoopBackOff (container app))',
          },
        },
      ],
    },
    {
      name: 'fires on a mutating webhook without failurePolicy (v1 defaults to Fail) whose workload is scaled to zero',
      now: NOW,
      objects: [
        webhookConfig(
          'sidecar-injector',
          [
            {
              name: 'inject.example.com',
              clientConfig: { service: { namespace: 'default', name: 'web' } },
              rules: [
                { apiGroups: ['apps'], operations: ['*'], resources: ['deployments'] },
                { apiGroups: [''], operations: ['*'], resources: ['pods'] },
              ],
            },
          ],
          'MutatingWebhookConfiguration',
        ),
        service('web'),
        { ...endpointSlice('web', []), endpoints: null },
        ...deployment('web', { replicas: 0 }),
      ],
      collected: ['v1/Pod'],
      findings: [
        {
          object: { kind: 'MutatingWebhookConfiguration', name: 'sidecar-injector' },
          messageId: 'noEndpoints',
          data: {
            cause: ': Deployment/web has no pod (scaled to 0)',
            intercepts: 'every operation on deployments.apps, pods',
            resource: 'mutatingwebhookconfiguration',
          },
        },
      ],
    },
    {
      name: 'fires once per broken webhook of a configuration',
      now: NOW,
      objects: [
        webhookConfig('two', [
          { name: 'a.example.com', clientConfig: { service: { namespace: 'x', name: 'gone-a' } } },
          { name: 'b.example.com', clientConfig: { service: { namespace: 'x', name: 'gone-b' } } },
          {
            name: 'c.example.com',
            failurePolicy: 'Ignore',
            clientConfig: { service: { namespace: 'x', name: 'gone-c' } },
          },
        ]),
        webhookService(),
      ],
      collected: ['v1/Pod'],
      findings: [
        {
          object: { kind: 'ValidatingWebhookConfiguration', name: 'two' },
          messageId: 'serviceMissing',
          key: 'a.example.com',
          data: { index: 0 },
        },
        {
          object: { kind: 'ValidatingWebhookConfiguration', name: 'two' },
          messageId: 'serviceMissing',
          key: 'b.example.com',
          data: { index: 1 },
        },
      ],
    },
    {
      name: 'fires from pods when endpoints were not collected and no pod is ready',
      now: NOW,
      objects: [
        policyWebhook(),
        webhookService(),
        servicePod('policy-webhook-1', backend, {
          namespace: 'policy',
          ready: false,
          since: '2026-03-01T10:00:00Z',
        }),
      ],
      findings: [
        {
          object: { kind: 'ValidatingWebhookConfiguration', name: 'policy-engine' },
          messageId: 'noEndpoints',
          data: { for: '2h' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when no webhook configuration was collected',
      objects: [webhookService()],
    },
  ],
})
