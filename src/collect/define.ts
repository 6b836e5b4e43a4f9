import type { KubeConfig } from '@kubernetes/client-node'
import { KubedacError } from '../core/errors.js'
import type { KubeObject, ScanError } from '../core/types.js'
import type { PodLog } from '../snapshot/snapshot.js'

/** How to reach a live cluster: a kubeconfig context, the pod's service account, or credentials in memory. */
export interface LiveCluster {
  /** Kubeconfig file(s), several joined by the path delimiter; default: `KUBECONFIG`, `~/.kube/config`. */
  kubeconfig?: string
  /** The context to use (for `load`: preferred when the loaded config has it, else its current one). */
  context: string
  /** Use the pod's service account (in-cluster configuration) instead of a kubeconfig. */
  inCluster?: boolean
  /**
   * Loads the kubeconfig when the cluster is scanned, e.g. from a Cluster API Secret. It stays in
   * memory (a function, so it is never serialised with the target); a rejection is the reason the
   * cluster cannot be reached.
   */
  load?: () => Promise<KubeConfig>
}

/** One cluster to scan, as the inventory names it. */
export interface ClusterTarget {
  /** The cluster's name in reports. */
  name: string
  /** Where it comes from (a path, `-` for stdin, a kubeconfig context). */
  source: string
  /** Files and folders to read for this cluster (offline inputs). */
  paths?: string[]
  /** What was read from stdin (bytes, so the loader can check the encoding as it does for files). */
  stdin?: Buffer | string
  /** A live cluster reached through a kubeconfig context (no kubeconfig: the default one, or in-cluster). */
  kube?: LiveCluster
  /** Labels from the inventory (team, env, tier…). */
  labels?: Record<string, string>
}

/** Where a collector puts what it gathers; the engine indexes as objects arrive. */
export interface CollectSink {
  /** Adds one object; `source` names the file or API it came from. Returns false for a duplicate. */
  object(obj: KubeObject, source: string): boolean
  /** Records that a kind (`apps/v1/Deployment`) or data key was gathered in full. */
  collected(kindOrData: string): void
  /** Stores non-object data (metrics, CMDB records) under a key. */
  data(key: string, value: unknown): void
  /** Keeps a pod log found in a dump. */
  log(log: PodLog): void
  /** Reports a problem; the scan goes on. */
  error(err: ScanError): void
}

/** What a collector is given for one cluster. */
export interface CollectContext {
  cluster: ClusterTarget
  /** Kinds and data keys that the enabled detectors require (a collector may fetch only these). */
  requires: ReadonlySet<string>
  /** Whether any enabled detector needs `metadata.managedFields`. */
  keepManagedFields: boolean
  /** When set, the only version-free kinds (`apps/Deployment`) whose `managedFields` are needed. */
  managedFieldsKinds?: ReadonlySet<string>
  /**
   * Kinds (group/Kind) the detectors read only where their successor in {@link SUCCESSOR_KINDS} is
   * missing: a live collector need not list one when the cluster serves its successor.
   */
  fallbackKinds?: ReadonlySet<string>
  sink: CollectSink
  signal?: AbortSignal
}

/**
 * Kinds (group/Kind) whose objects another kind carries too, with that kind and the version it
 * must be served at, so a cluster serving it need not be asked for the first by detectors that
 * read it only where the other is missing:
 * - since Kubernetes 1.21 the control plane keeps a `discovery.k8s.io/v1` EndpointSlice for every
 *   Endpoints object (EndpointSlice mirroring);
 * - `events.k8s.io/v1` Events are the core v1 Events under another API (one object, one uid), so
 *   listing both would fetch, hold and count every event twice.
 */
export const SUCCESSOR_KINDS: ReadonlyMap<string, { groupKind: string; version: string }> = new Map([
  ['Endpoints', { groupKind: 'discovery.k8s.io/EndpointSlice', version: 'v1' }],
  ['events.k8s.io/Event', { groupKind: 'Event', version: 'v1' }],
])

/** A collector's metadata: plain data, readable without running it. */
export interface CollectorMeta {
  /** Stable id (kebab-case). */
  id: string
  description?: string
  /** Kind keys and data keys it produces; `*` for "whatever the input holds". */
  produces: string[]
  /** Data keys it needs from other collectors (they run first). */
  requires?: string[]
  /** Whether it runs for a cluster; default: always. */
  appliesTo?: (cluster: ClusterTarget) => boolean
}

/** A collector: gathers a cluster's state; never judges it. */
export interface Collector {
  meta: CollectorMeta
  collect(ctx: CollectContext): Promise<void> | void
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/

/** Defines a collector, checking its metadata. */
export function defineCollector(c: Collector): Collector {
  const m = c?.meta
  if (!m || typeof m.id !== 'string' || !ID.test(m.id))
    throw new KubedacError(
      'KDAC_E_COLLECTOR_INVALID',
      `meta.id must be kebab-case, got ${JSON.stringify(m?.id)}`,
    )
  if (!Array.isArray(m.produces) || m.produces.some((p) => typeof p !== 'string'))
    throw new KubedacError(
      'KDAC_E_COLLECTOR_INVALID',
      `${m.id}: meta.produces must be a list of kind or data keys`,
    )
  if (
    m.requires !== undefined &&
    (!Array.isArray(m.requires) || m.requires.some((p) => typeof p !== 'string'))
  )
    throw new KubedacError('KDAC_E_COLLECTOR_INVALID', `${m.id}: meta.requires must be a list of data keys`)
  if (typeof c.collect !== 'function')
    throw new KubedacError('KDAC_E_COLLECTOR_INVALID', `${m.id}: collect must be a function`)
  return Object.freeze({ meta: Object.freeze({ ...m }), collect: c.collect })
}
