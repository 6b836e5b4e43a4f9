import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './hpa-target-static-replicas.js'
import { fxWorkload } from './lib/autoscaling.js'
import { hpa } from './lib/fixtures.js'

const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

// The last-applied annotation kubectl (and Argo CD by default) writes.
function lastApplied(spec: Record<string, unknown>, extra: Record<string, string> = {}) {
  return {
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec,
      }),
      ...extra,
    },
  }
}
const replicasField = { 'f:spec': { 'f:replicas': {} } }
const templateField = { 'f:spec': { 'f:template': { 'f:spec': {} } } }
function managed(...entries: [string, string, Record<string, unknown>][]) {
  return {
    managedFields: entries.map(([manager, operation, fieldsV1]) => ({
      manager,
      operation,
      apiVersion: 'apps/v1',
      time: '2026-03-01T09:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1,
    })),
  }
}
// A rendered manifest: no status, no server-set metadata.
function manifest(replicas?: number): KubeObject {
  const [dep] = fxWorkload('web') as [KubeObject]
  const { uid: _uid, creationTimestamp: _c, generation: _g, ...metadata } = dep.metadata
  const spec = { ...dep.spec }
  if (replicas === undefined) delete spec.replicas
  else spec.replicas = replicas
  return { apiVersion: dep.apiVersion, kind: dep.kind, metadata, spec }
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the last-applied configuration has no replicas',
      objects: [...fxWorkload('web', { metadata: lastApplied({ template: {} }) }), hpa('web')],
    },
    {
      name: 'does not fire when only the HPA controller owns spec.replicas',
      objects: [
        ...fxWorkload('web', {
          metadata: managed(
            ['argocd-controller', 'Apply', templateField],
            ['kube-controller-manager', 'Update', replicasField],
          ),
        }),
        hpa('web'),
      ],
    },
    {
      name: 'does not fire when the creator owns a defaulted replicas through an Update (no manifest holds it)',
      objects: [
        ...fxWorkload('web', { metadata: managed(['kubectl-create', 'Update', replicasField]) }),
        hpa('web'),
      ],
    },
    {
      name: 'does not fire on a Deployment with replicas in its manifest but no HPA',
      objects: [
        ...fxWorkload('web', { metadata: lastApplied({ replicas: 3 }) }),
        ...fxWorkload('api'),
        hpa('api'),
      ],
    },
    {
      name: 'does not fire on a rendered manifest that leaves replicas out',
      objects: [manifest(), hpa('web')],
    },
    {
      name: 'does not fire when the applying manager is allowed by the parameter',
      params: { ignoreManagers: ['kube-controller-manager', 'my-scaler'] },
      objects: [
        ...fxWorkload('web', { metadata: managed(['my-scaler', 'Apply', replicasField]) }),
        hpa('web'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the kubectl last-applied configuration sets replicas',
      objects: [...fxWorkload('web', { replicas: 7, metadata: lastApplied({ replicas: 3 }) }), hpa('web')],
      findings: [
        {
          object: WEB,
          messageId: 'lastApplied',
          data: {
            value: 3,
            tool: 'kubectl apply',
            hpa: 'web',
            target: 'Deployment/web',
            targetKind: 'deployment',
          },
        },
      ],
    },
    {
      name: 'names Argo CD when it tracks the object',
      objects: [
        ...fxWorkload('web', {
          metadata: lastApplied(
            { replicas: 2 },
            { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:default/web' },
          ),
        }),
        hpa('web'),
      ],
      findings: [{ object: WEB, messageId: 'lastApplied', data: { tool: 'Argo CD', value: 2 } }],
    },
    {
      name: 'fires when a server-side apply manager (Flux) owns spec.replicas',
      objects: [
        ...fxWorkload('web', {
          replicas: 3,
          metadata: managed(
            ['kustomize-controller', 'Apply', replicasField],
            ['kube-controller-manager', 'Update', templateField],
          ),
        }),
        hpa('web'),
      ],
      findings: [
        { object: WEB, messageId: 'managedFields', data: { tool: 'Flux (kustomize-controller)', value: 3 } },
      ],
    },
    {
      name: 'fires on a rendered manifest that sets replicas',
      objects: [manifest(3), hpa('web')],
      findings: [{ object: WEB, messageId: 'manifest', data: { value: 3 } }],
    },
    {
      name: 'fires on a manifest rendered by helm template (creationTimestamp: null)',
      objects: [
        // JSON from `helm template` holds a null the ObjectMeta type does not allow.
        {
          ...manifest(4),
          metadata: { ...manifest(4).metadata, creationTimestamp: null as unknown as string },
        },
        hpa('web'),
      ],
      findings: [{ object: WEB, messageId: 'manifest', data: { value: 4 } }],
    },
    {
      name: 'fires on a StatefulSet target',
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db', namespace: 'default', uid: 'uid-sts-db', ...lastApplied({ replicas: 3 }) },
          spec: {
            replicas: 3,
            selector: { matchLabels: { app: 'db' } },
            template: {
              metadata: { labels: { app: 'db' } },
              spec: { containers: [{ name: 'db', image: 'db:1' }] },
            },
          },
          status: { replicas: 3 },
        },
        hpa('db', { target: { kind: 'StatefulSet', name: 'db' } }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'lastApplied',
          data: { targetKind: 'statefulset' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [hpa('web')] }],
})
