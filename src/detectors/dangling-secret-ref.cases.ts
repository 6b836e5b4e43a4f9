import { defineCases } from '../detect/cases.js'
import detector from './dangling-secret-ref.js'
import { pod } from './lib/fixtures.js'
import { container, named, workload } from './lib/reliability.js'

const dbSecret = named('v1/Secret', 'db-credentials', { type: 'Opaque' })
const web = (spec: Record<string, unknown>) => workload('Deployment', 'web', spec)
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }
const envFromSecret = (name: string, optional?: boolean) =>
  container({
    env: [
      {
        name: 'DB_PASSWORD',
        valueFrom: { secretKeyRef: { name, key: 'password', ...(optional ? { optional } : {}) } },
      },
    ],
  })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the referenced Secret exists',
      objects: [web({ containers: [envFromSecret('db-credentials')] }), dbSecret],
    },
    {
      name: 'does not fire on a missing Secret marked optional',
      objects: [
        web({
          containers: [container()],
          volumes: [{ name: 'tls', secret: { secretName: 'web-tls', optional: true } }],
        }),
        dbSecret,
      ],
    },
    {
      name: 'does not fire when a cert-manager Certificate will create the Secret',
      objects: [
        web({ containers: [container()], volumes: [{ name: 'tls', secret: { secretName: 'web-tls' } }] }),
        dbSecret,
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'web', namespace: 'default' },
          spec: {
            secretName: 'web-tls',
            dnsNames: ['web.example.com'],
            issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' },
          },
        },
      ],
    },
    {
      name: 'does not fire when an ExternalSecret of the same name will create it',
      objects: [
        web({ containers: [envFromSecret('db-credentials')] }),
        named('v1/Secret', 'other'),
        {
          apiVersion: 'external-secrets.io/v1beta1',
          kind: 'ExternalSecret',
          metadata: { name: 'db-credentials', namespace: 'default' },
          spec: {},
        },
      ],
    },
    {
      name: 'does not fire on a finished bare pod',
      objects: [
        pod('migrate', {
          phase: 'Succeeded',
          spec: { containers: [envFromSecret('gone')], restartPolicy: 'Never' },
        }),
        dbSecret,
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a missing Secret read through env',
      objects: [web({ containers: [envFromSecret('db-credential')] }), dbSecret],
      findings: [
        {
          object: WEB,
          messageId: 'missing',
          key: 'db-credential',
          data: { secret: 'db-credential', usedBy: 'env DB_PASSWORD of container app' },
        },
      ],
    },
    {
      name: 'fires on a missing Secret in a projected volume',
      objects: [
        web({
          containers: [container()],
          volumes: [{ name: 'creds', projected: { sources: [{ secret: { name: 'api-token' } }] } }],
        }),
        dbSecret,
      ],
      findings: [{ object: WEB, messageId: 'missing', data: { usedBy: 'volume creds' } }],
    },
    {
      name: 'fires with pullSecretMissing on a missing image pull secret',
      objects: [web({ containers: [container()], imagePullSecrets: [{ name: 'registry-creds' }] }), dbSecret],
      findings: [
        {
          object: WEB,
          messageId: 'pullSecretMissing',
          key: 'registry-creds',
          data: { secret: 'registry-creds' },
        },
      ],
    },
    {
      name: 'fires when the Secret exists only in another namespace',
      objects: [
        web({ containers: [envFromSecret('db-credentials')] }),
        named('v1/Secret', 'db-credentials', {}, 'shop'),
      ],
      findings: [{ object: WEB, messageId: 'missing' }],
    },
    {
      name: 'fires when the cert-manager Certificate is in another namespace',
      objects: [
        web({ containers: [container()], volumes: [{ name: 'tls', secret: { secretName: 'web-tls' } }] }),
        dbSecret,
        {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'web', namespace: 'shop' },
          spec: { secretName: 'web-tls' },
        },
      ],
      findings: [{ object: WEB, messageId: 'missing', data: { secret: 'web-tls' } }],
    },
  ],
  skip: [
    {
      name: 'is skipped when Secrets were not collected (the usual case for dumps)',
      objects: [web({ containers: [envFromSecret('db-credentials')] })],
    },
  ],
})
