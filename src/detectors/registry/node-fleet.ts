import type { Detector } from '../../detect/define.js'
import clusterLowUtilization from '../cluster-low-utilization.js'
import clusterN1Overcommit from '../cluster-n-1-overcommit.js'
import clusterStale from '../cluster-stale.js'
import configmapUnused from '../configmap-unused.js'
import loadbalancerServiceUnused from '../loadbalancer-service-unused.js'
import nodeEmpty from '../node-empty.js'
import nodePodsAtCapacity from '../node-pods-at-capacity.js'
import nodeProblemCondition from '../node-problem-condition.js'
import nodeReadinessFlapping from '../node-readiness-flapping.js'
import nodeUnreachable from '../node-unreachable.js'
import nodeVersionSkew from '../node-version-skew.js'
import pvcUnused from '../pvc-unused.js'

/**
 * Built-in TypeScript detectors of this group, in catalogue order (each with `<id>.cases.ts` and a runbook).
 * Its YAML detectors (node-cordoned, namespace-stuck-terminating) live in ../yaml/.
 */
export const detectors: Detector[] = [
  // Node health
  nodeUnreachable,
  nodeReadinessFlapping,
  nodeProblemCondition,
  nodePodsAtCapacity,
  nodeVersionSkew,
  // Scheduling / capacity
  clusterN1Overcommit,
  // Fleet / idle / cost
  clusterStale,
  clusterLowUtilization,
  nodeEmpty,
  configmapUnused,
  pvcUnused,
  loadbalancerServiceUnused,
]
