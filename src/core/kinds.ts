import type { KubeObject, ObjectRef } from './types.js'

/**
 * A kind key as detectors declare it: `apiVersion/Kind` (`v1/Pod`, `apps/v1/Deployment`).
 * The snapshot indexes by group and kind only, so `autoscaling/v2/HorizontalPodAutoscaler`
 * also finds objects served as `autoscaling/v1`: dumps carry whatever version the client chose.
 */
export type KindKey = string

/**
 * Whether a declared key names a kind (`v1/Pod`, `apps/v1/Deployment`, `Pod`) rather than collector
 * data (`kubedac/collection`, `cmdb/owners`, `metrics:usage`): kinds are capitalised, data keys not.
 */
export function isKindKey(key: string): boolean {
  if (key.includes(':')) return false
  const kind = key.slice(key.lastIndexOf('/') + 1)
  return /^[A-Z]/.test(kind)
}

/** The API group of an apiVersion (`''` for the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/')
  return slash < 0 ? '' : apiVersion.slice(0, slash)
}

/** `group/Kind` (or `Kind` for the core group): the version-free identity of a kind. */
export function groupKind(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/')
  return slash < 0 ? kind : `${apiVersion.slice(0, slash)}/${kind}`
}

/** Splits a declared kind key (`apps/v1/Deployment`, `v1/Pod`, `Pod`) into apiVersion and kind. */
export function parseKindKey(key: KindKey): { apiVersion: string; kind: string; groupKind: string } {
  const slash = key.lastIndexOf('/')
  if (slash < 0) return { apiVersion: 'v1', kind: key, groupKind: key }
  const apiVersion = key.slice(0, slash)
  const kind = key.slice(slash + 1)
  return { apiVersion, kind, groupKind: groupKind(apiVersion, kind) }
}

/** The version-free identity of a declared kind key. */
export function groupKindOfKey(key: KindKey): string {
  return parseKindKey(key).groupKind
}

/** Whether a kind is namespaced is not knowable offline; these core kinds are cluster-scoped. */
export const CLUSTER_SCOPED = new Set([
  'Node',
  'Namespace',
  'PersistentVolume',
  'storage.k8s.io/StorageClass',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'scheduling.k8s.io/PriorityClass',
])

/** The reference a finding carries for an object. */
export function refOf(obj: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name }
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace
  if (obj.metadata.uid) ref.uid = obj.metadata.uid
  return ref
}

/** A stable, human-readable identity: `group/Kind/namespace/name`. */
export function identityOf(
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): string {
  return `${groupKind(apiVersion, kind)}/${namespace ?? ''}/${name}`
}
