import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './configmap-unused.js'
import { deployment, pod } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function cm(
  name: string,
  namespace = 'shop',
  meta: Record<string, unknown> = {},
  created = '2026-01-01T00:00:00Z',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, creationTimestamp: created, ...meta },
    data: { 'app.yaml': 'port: 8080\n' },
  }
}

// The Deployment mounts web-config and reads web-env through envFrom.
const [web, webRs] = deployment('web', {
  namespace: 'shop',
  spec: {
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/web:2',
            envFrom: [{ configMapRef: { name: 'web-env' } }],
          },
        ],
        volumes: [{ name: 'config', configMap: { name: 'web-config' } }],
      },
    },
  },
}) as [KubeObject, KubeObject]

// An old ReplicaSet of the Deployment still names the previous, hash-suffixed ConfigMap: a rollback needs it.
const oldRs: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'web-5d4f7b9c8',
    namespace: 'shop',
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: 'uid-deployment-shop-web',
        controller: true,
      },
    ],
  },
  spec: {
    replicas: 0,
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/web:1',
            env: [
              { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'web-settings-h7k2m9', key: 'mode' } } },
            ],
          },
        ],
      },
    },
  },
}

const cronJob: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'report', namespace: 'shop' },
  spec: {
    schedule: '0 2 * * *',
    jobTemplate: {
      spec: {
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'report', image: 'registry.example.com/report:1' }],
            volumes: [
              { name: 'bundle', projected: { sources: [{ configMap: { name: 'report-templates' } }] } },
            ],
          },
        },
      },
    },
  },
}

const used = [web, webRs, oldRs, cronJob]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on ConfigMaps mounted, read through env, envFrom or a projected volume, or kept for a rollback',
      now: NOW,
      objects: [...used, cm('web-config'), cm('web-env'), cm('report-templates'), cm('web-settings-h7k2m9')],
    },
    {
      name: 'does not fire on a ConfigMap injected into running pods only (a webhook added the volume)',
      now: NOW,
      objects: [
        pod('web-7d9f8b6c5d-abcde', {
          namespace: 'shop',
          spec: {
            containers: [{ name: 'app', image: 'registry.example.com/web:2' }],
            volumes: [{ name: 'mesh-ca', configMap: { name: 'mesh-ca-bundle' } }],
          },
        }),
        cm('mesh-ca-bundle'),
      ],
    },
    {
      name: 'does not fire on platform ConfigMaps, owned ones, leader-election locks or Grafana dashboards',
      now: NOW,
      objects: [
        ...used,
        cm('kube-root-ca.crt'),
        cm('coredns', 'kube-system'),
        cm('kafka-metrics', 'shop', {
          ownerReferences: [
            {
              apiVersion: 'kafka.strimzi.io/v1beta2',
              kind: 'Kafka',
              name: 'events',
              uid: 'u1',
              controller: true,
            },
          ],
        }),
        cm('web-leader', 'shop', {
          annotations: { 'control-plane.alpha.kubernetes.io/leader': '{"holderIdentity":"web-0"}' },
        }),
        cm('web-dashboard', 'shop', { labels: { grafana_dashboard: '1' } }),
      ],
    },
    {
      name: 'does not fire yet on an unused ConfigMap created two days ago',
      now: NOW,
      objects: [...used, cm('web-config-next', 'shop', {}, '2026-02-27T12:00:00Z')],
    },
    {
      name: 'does not judge a manifest ConfigMap without a creation time',
      now: NOW,
      objects: [
        ...used,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'draft', namespace: 'shop' } },
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on an old ConfigMap no pod or template refers to',
      now: NOW,
      objects: [...used, cm('web-config'), cm('web-config-old')],
      findings: [
        {
          object: { kind: 'ConfigMap', namespace: 'shop', name: 'web-config-old' },
          messageId: 'unused',
          data: { age: '59d12h' },
        },
      ],
    },
    {
      name: 'fires when only a pod in another namespace uses a ConfigMap of that name',
      now: NOW,
      objects: [...used, cm('web-config', 'staging')],
      findings: [
        { object: { kind: 'ConfigMap', namespace: 'staging', name: 'web-config' }, messageId: 'unused' },
      ],
    },
    {
      name: 'fires on a two-day-old unused ConfigMap when minAge is one day',
      now: NOW,
      params: { minAge: '1d' },
      objects: [...used, cm('web-config-next', 'shop', {}, '2026-02-27T12:00:00Z')],
      findings: [
        {
          object: { kind: 'ConfigMap', namespace: 'shop', name: 'web-config-next' },
          messageId: 'unused',
          data: { age: '2d' },
        },
      ],
    },
  ],
  skip: [
    { name: 'is skipped when no workloads or pods were collected', objects: [cm('web-config')] },
    { name: 'is skipped when ConfigMaps were not collected', objects: used },
  ],
})
