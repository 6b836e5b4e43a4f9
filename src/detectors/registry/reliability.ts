import type { Detector } from '../../detect/define.js'
import barePod from '../bare-pod.js'
import danglingConfigmapRef from '../dangling-configmap-ref.js'
import danglingPvcRef from '../dangling-pvc-ref.js'
import danglingSecretRef from '../dangling-secret-ref.js'
import danglingServiceaccountRef from '../dangling-serviceaccount-ref.js'
import deprecatedApiVersion from '../deprecated-api-version.js'
import gracefulShutdownMissing from '../graceful-shutdown-missing.js'
import imageTagMutable from '../image-tag-mutable.js'
import livenessEqualsReadiness from '../liveness-equals-readiness.js'
import livenessProbeMissing from '../liveness-probe-missing.js'
import pdbMissing from '../pdb-missing.js'
import pdbSelectsNothing from '../pdb-selects-nothing.js'
import podMultiplePdbs from '../pod-multiple-pdbs.js'
import readinessProbeMissing from '../readiness-probe-missing.js'
import singleReplica from '../single-replica.js'

/**
 * Built-in TypeScript detectors of this group, in catalogue order (each with `<id>.cases.ts` and a runbook).
 * YAML ones of the group live in ../yaml: pdb-blocking-drain, topology-spread-missing.
 */
export const detectors: Detector[] = [
  // Configuration hygiene / reliability
  readinessProbeMissing,
  livenessProbeMissing,
  livenessEqualsReadiness,
  singleReplica,
  pdbMissing,
  pdbSelectsNothing,
  podMultiplePdbs,
  gracefulShutdownMissing,
  imageTagMutable,
  danglingConfigmapRef,
  danglingSecretRef,
  danglingServiceaccountRef,
  danglingPvcRef,
  // Unmanaged or deprecated
  barePod,
  deprecatedApiVersion,
]
