import type { Detector } from '../../detect/define.js'
import containerRestartsElevated from '../container-restarts-elevated.js'
import cronjobNotRunning from '../cronjob-not-running.js'
import daemonsetRolloutStuck from '../daemonset-rollout-stuck.js'
import deploymentReplicasUnavailable from '../deployment-replicas-unavailable.js'
import podDisruptionTarget from '../pod-disruption-target.js'
import podFailedEvicted from '../pod-failed-evicted.js'
import podNotReady from '../pod-not-ready.js'
import podStuckCreating from '../pod-stuck-creating.js'
import podStuckTerminating from '../pod-stuck-terminating.js'
import statefulsetRolloutStuck from '../statefulset-rollout-stuck.js'
import statefulsetServiceMissing from '../statefulset-service-missing.js'

/** Built-in TypeScript detectors of this group, in catalogue order (each with `<id>.cases.ts` and a runbook). */
export const detectors: Detector[] = [
  // Pod / container health
  podStuckCreating,
  podNotReady,
  containerRestartsElevated,
  podStuckTerminating,
  podFailedEvicted,
  podDisruptionTarget,
  // Workload rollout (generation-lag, job-overrunning and workload-paused-or-suspended are
  // YAML/CEL, in ../yaml/)
  deploymentReplicasUnavailable,
  statefulsetRolloutStuck,
  statefulsetServiceMissing,
  daemonsetRolloutStuck,
  cronjobNotRunning,
]
