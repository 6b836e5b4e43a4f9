import type { Detector } from '../../detect/define.js'
import hpaBurstExceedsCapacity from '../hpa-burst-exceeds-capacity.js'
import hpaBurstableSpikeRisk from '../hpa-burstable-spike-risk.js'
import hpaLargeImage from '../hpa-large-image.js'
import hpaPdbConflict from '../hpa-pdb-conflict.js'
import hpaScaledWithoutGracefulShutdown from '../hpa-scaled-without-graceful-shutdown.js'
import hpaScaledWithoutReadiness from '../hpa-scaled-without-readiness.js'
import hpaSlowReadinessProbe from '../hpa-slow-readiness-probe.js'
import hpaSlowStartup from '../hpa-slow-startup.js'
import hpaTargetMissing from '../hpa-target-missing.js'
import hpaTargetStaticReplicas from '../hpa-target-static-replicas.js'
import hpaVpaOverlap from '../hpa-vpa-overlap.js'
import replicasSnapback from '../replicas-snapback.js'

/**
 * Built-in TypeScript detectors of this group, in catalogue order (each with `<id>.cases.ts` and a runbook).
 * The group's single-HPA checks are YAML: hpa-cannot-scale, hpa-maxed-out, hpa-replicas-mismatch,
 * hpa-min-below-2, hpa-scaled-to-zero (src/detectors/yaml/).
 */
export const detectors: Detector[] = [
  hpaTargetMissing,
  hpaPdbConflict,
  hpaBurstExceedsCapacity,
  hpaVpaOverlap,
  hpaBurstableSpikeRisk,
  hpaTargetStaticReplicas,
  replicasSnapback,
  // Reliability of the pods an HPA adds and removes, and how fast it can add them.
  hpaScaledWithoutReadiness,
  hpaScaledWithoutGracefulShutdown,
  hpaLargeImage,
  hpaSlowStartup,
  hpaSlowReadinessProbe,
]
