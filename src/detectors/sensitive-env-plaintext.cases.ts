import { defineCases } from '../detect/cases.js'
import detector from './sensitive-env-plaintext.js'
import { node } from './lib/fixtures.js'
import { hardenedContainer, workload } from './lib/security.js'

const withEnv = (name: string, env: Record<string, unknown>[]) => hardenedContainer(name, { env })
const api = { kind: 'Deployment', namespace: 'shop', name: 'api' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on credentials taken from a Secret',
      objects: [
        workload(
          'Deployment',
          'api',
          {
            containers: [
              withEnv('api', [
                { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                { name: 'LOG_LEVEL', value: 'info' },
              ]),
            ],
          },
          'shop',
        ),
      ],
    },
    {
      name: 'does not fire on names that point at a credential or configure it',
      objects: [
        workload(
          'Deployment',
          'api',
          {
            containers: [
              withEnv('api', [
                { name: 'TOKEN_FILE', value: '/var/run/secrets/tokens/api' },
                { name: 'DB_PASSWORD_PATH', value: '/etc/db/password' },
                { name: 'JWT_SECRET_NAME', value: 'jwt-signing' },
                { name: 'TOKEN_TTL', value: '3600' },
                { name: 'PASSWORD_MIN_LENGTH', value: '12' },
                { name: 'AWS_ACCESS_KEY_ID', value: 'AKIAFAKEFAKEFAKE' },
                { name: 'VAULT_TOKEN_URL', value: 'https://vault.example.com' },
              ]),
            ],
          },
          'shop',
        ),
      ],
    },
    {
      name: 'does not fire on empty values, switches and $(VAR) references',
      objects: [
        workload(
          'Deployment',
          'api',
          {
            containers: [
              withEnv('api', [
                { name: 'ADMIN_PASSWORD', value: '' },
                { name: 'REQUIRE_TOKEN', value: 'true' },
                { name: 'API_KEY', value: '$(API_KEY_FROM_SECRET)' },
              ]),
            ],
          },
          'shop',
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a literal password, naming the variable and length but never the value',
      objects: [
        workload(
          'Deployment',
          'api',
          {
            containers: [
              withEnv('api', [
                { name: 'DB_PASSWORD', value: 'hunter2hunter2' },
                { name: 'LOG_LEVEL', value: 'info' },
              ]),
            ],
          },
          'shop',
        ),
      ],
      findings: [
        {
          object: api,
          messageId: 'plaintext',
          key: 'api/DB_PASSWORD',
          data: { container: 'api', variable: 'DB_PASSWORD', length: 14 },
        },
      ],
    },
    {
      name: 'fires once per variable and container, in any case and separator',
      objects: [
        workload(
          'CronJob',
          'sync',
          {
            initContainers: [withEnv('fetch', [{ name: 'github_token', value: 'ghp_fake' }])],
            containers: [
              withEnv('sync', [
                { name: 'STRIPE_API_KEY', value: 'sk_test_fake' },
                { name: 'apiKey', value: 'fake' },
                { name: 'AWS_SECRET_ACCESS_KEY', value: 'fakefakefake' },
                { name: 'TLS_PRIVATE_KEY', value: '-----BEGIN PRIVATE KEY-----' },
              ]),
            ],
          },
          'ops',
        ),
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'ops', name: 'sync' },
          messageId: 'plaintext',
          key: 'fetch/github_token',
        },
        {
          object: { kind: 'CronJob', namespace: 'ops', name: 'sync' },
          messageId: 'plaintext',
          key: 'sync/STRIPE_API_KEY',
        },
        {
          object: { kind: 'CronJob', namespace: 'ops', name: 'sync' },
          messageId: 'plaintext',
          key: 'sync/apiKey',
        },
        {
          object: { kind: 'CronJob', namespace: 'ops', name: 'sync' },
          messageId: 'plaintext',
          key: 'sync/AWS_SECRET_ACCESS_KEY',
        },
        {
          object: { kind: 'CronJob', namespace: 'ops', name: 'sync' },
          messageId: 'plaintext',
          key: 'sync/TLS_PRIVATE_KEY',
        },
      ],
    },
    {
      name: 'fires in kube-system too: a leaked credential is one wherever it is',
      objects: [
        workload(
          'Deployment',
          'dns-updater',
          { containers: [withEnv('updater', [{ name: 'CLOUDFLARE_API_TOKEN', value: 'cf-fake-token' }])] },
          'kube-system',
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'kube-system', name: 'dns-updater' },
          messageId: 'plaintext',
          data: { length: 13 },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
