import type { ClusterStatus } from './types.js'

/** The data key under which the pipeline records how a cluster's collection went. */
export const COLLECTION_KEY = 'kubedac/collection'

/** What the pipeline records under {@link COLLECTION_KEY}: cluster-level detectors read it. */
export interface CollectionStatus {
  status: ClusterStatus
  /** Where the cluster comes from (a kubeconfig context, a path). */
  source: string
  errors: { code: string; message: string }[]
}
