import type { Detector } from '../../detect/define.js'
import limitrangeRejection from '../limitrange-rejection.js'
import memoryLimitMissing from '../memory-limit-missing.js'
import pvcPending from '../pvc-pending.js'
import pvcStorageclassMissing from '../pvc-storageclass-missing.js'
import quotaExhausted from '../quota-exhausted.js'
import quotaNearFull from '../quota-near-full.js'
import requestsMissing from '../requests-missing.js'
import storageclassNoDefault from '../storageclass-no-default.js'
import volumeMountFailure from '../volume-mount-failure.js'

/** Built-in TypeScript detectors of this group, in catalogue order (each with `<id>.cases.ts` and a runbook). */
export const detectors: Detector[] = [
  // Scheduling / capacity / quota
  quotaExhausted,
  quotaNearFull,
  limitrangeRejection,
  requestsMissing,
  memoryLimitMissing,
  // Storage
  pvcPending,
  volumeMountFailure,
  storageclassNoDefault,
  pvcStorageclassMissing,
]
