import type { DetectorSuite } from '../detect/cases.js'
import type { Detector } from '../detect/define.js'
import clusterIdle from './cluster-idle.js'
import clusterUnreachable from './cluster-unreachable.js'
import containerCrashloop from './container-crashloop.js'
import containerOomkilled from './container-oomkilled.js'
import deploymentProgressDeadline from './deployment-progress-deadline.js'
import deploymentReplicaFailure from './deployment-replica-failure.js'
import hpaMetricsUnavailable from './hpa-metrics-unavailable.js'
import hpaMissingResourceRequests from './hpa-missing-resource-requests.js'
import imagePullFailure from './image-pull-failure.js'
import initStuck from './init-stuck.js'
import nodeDiskPressure from './node-disk-pressure.js'
import nodeMemoryPressure from './node-memory-pressure.js'
import nodeNetworkUnavailable from './node-network-unavailable.js'
import nodeNotReady from './node-not-ready.js'
import nodePidPressure from './node-pid-pressure.js'
import podUnschedulable from './pod-unschedulable.js'
import { detectors as autoscaling } from './registry/autoscaling.js'
import { detectors as meshGitops } from './registry/mesh-gitops.js'
import { detectors as networking } from './registry/networking.js'
import { detectors as nodeFleet } from './registry/node-fleet.js'
import { detectors as podsWorkloads } from './registry/pods-workloads.js'
import { detectors as reliability } from './registry/reliability.js'
import { detectors as schedulingStorage } from './registry/scheduling-storage.js'
import { detectors as security } from './registry/security.js'

/** The built-in TypeScript detectors, in catalogue order. Every entry has `<id>.cases.ts` and `docs/detectors/<id>.md`. */
export const builtinTsDetectors: Detector[] = [
  // Groups are registered in files of their own under registry/, so they can grow side by side.
  ...nodeFleet,
  ...podsWorkloads,
  ...autoscaling,
  ...schedulingStorage,
  ...networking,
  ...security,
  ...reliability,
  ...meshGitops,
  // Node health
  nodeNotReady,
  nodeMemoryPressure,
  nodeDiskPressure,
  nodePidPressure,
  nodeNetworkUnavailable,
  // Pod / container health
  containerCrashloop,
  containerOomkilled,
  imagePullFailure,
  initStuck,
  // Workload rollout
  deploymentProgressDeadline,
  deploymentReplicaFailure,
  // Autoscaling
  hpaMetricsUnavailable,
  hpaMissingResourceRequests,
  // Scheduling
  podUnschedulable,
  // Fleet
  clusterIdle,
  clusterUnreachable,
]

/** Loads the test cases of a built-in TypeScript detector by id. */
export async function loadBuiltinCases(id: string): Promise<DetectorSuite> {
  // A plain variable, not a template literal: Vite would rewrite a template into a glob over `*.cases.js`,
  // which does not exist beside the TypeScript sources.
  const file = `./${id}.cases.js`
  const mod = (await import(/* @vite-ignore */ file)) as { default: DetectorSuite }
  return { ...mod.default, origin: `src/detectors/${id}.cases.ts` }
}
