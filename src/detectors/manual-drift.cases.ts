import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './manual-drift.js'
import { deployment, pod } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

const entry = (
  manager: string,
  time: string,
  fieldsV1: Record<string, unknown> = {},
  operation = 'Update',
  extra = {},
) => ({
  manager,
  operation,
  apiVersion: 'apps/v1',
  time,
  fieldsType: 'FieldsV1',
  fieldsV1,
  ...extra,
})

const argo = entry(
  'argocd-controller',
  '2026-03-01T09:00:00Z',
  { 'f:spec': { 'f:replicas': {}, 'f:template': {} } },
  'Apply',
)
const replicasByHand = (manager: string, time: string) =>
  entry(manager, time, { 'f:spec': { 'f:replicas': {} } })

const web = (managedFields: unknown[]): KubeObject => {
  const d = deployment('web', { namespace: 'shop' })[0]!
  return { ...d, metadata: { ...d.metadata, managedFields } }
}

const configMap = (managedFields: unknown[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-config', namespace: 'shop', uid: 'uid-cm-shop-web-config', managedFields },
  data: { LOG_LEVEL: 'debug' },
})

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when GitOps wrote the object last',
      now: NOW,
      objects: [web([replicasByHand('kubectl-edit', '2026-03-01T08:00:00Z'), argo])],
    },
    {
      name: 'does not fire on controllers writing after a sync (the HPA scaling, status updates)',
      now: NOW,
      objects: [
        web([
          argo,
          entry(
            'kube-controller-manager',
            '2026-03-01T10:00:00Z',
            { 'f:spec': { 'f:replicas': {} } },
            'Update',
            { subresource: 'scale' },
          ),
          entry('kubectl-edit', '2026-03-01T10:30:00Z', { 'f:status': {} }, 'Update', {
            subresource: 'status',
          }),
        ]),
      ],
    },
    {
      name: 'does not fire on kubectl rollout restart after a sync',
      now: NOW,
      objects: [
        web([
          argo,
          entry('kubectl-rollout', '2026-03-01T10:00:00Z', {
            'f:spec': {
              'f:template': {
                'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/restartedAt': {} } },
              },
            },
          }),
        ]),
      ],
    },
    {
      name: 'does not fire on an object no GitOps controller manages, however often it is edited',
      now: NOW,
      objects: [
        web([
          entry('kubectl-client-side-apply', '2026-03-01T08:00:00Z'),
          replicasByHand('kubectl-edit', '2026-03-01T10:00:00Z'),
        ]),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a Deployment scaled by hand after Argo CD synced it, naming the field',
      now: NOW,
      objects: [web([argo, replicasByHand('kubectl-edit', '2026-03-01T10:00:00Z')])],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'drift',
          data: {
            manager: 'kubectl-edit',
            gitopsManager: 'argocd-controller',
            manualTime: '2026-03-01T10:00:00Z',
            fields: 'spec.replicas',
          },
        },
      ],
    },
    {
      name: 'fires on a ConfigMap patched after Flux applied it',
      now: NOW,
      objects: [
        configMap([
          entry('kustomize-controller', '2026-03-01T09:00:00Z', { 'f:data': { 'f:LOG_LEVEL': {} } }, 'Apply'),
          entry('kubectl-patch', '2026-03-01T11:00:00Z', { 'f:data': { 'f:LOG_LEVEL': {} } }),
        ]),
      ],
      findings: [
        {
          object: { kind: 'ConfigMap', namespace: 'shop', name: 'web-config' },
          messageId: 'drift',
          data: { manager: 'kubectl-patch', gitopsManager: 'kustomize-controller', fields: 'data.LOG_LEVEL' },
        },
      ],
    },
    {
      name: 'fires on a manager added to manualManagers (a dashboard)',
      now: NOW,
      params: { manualManagers: ['kubectl', 'kubectl-*', 'Mozilla'] },
      objects: [web([argo, replicasByHand('Mozilla', '2026-03-01T10:00:00Z')])],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'drift',
          data: { manager: 'Mozilla' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when none of the checked kinds was collected', objects: [pod('p1')] }],
})
