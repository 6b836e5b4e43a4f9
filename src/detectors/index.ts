import type { DetectorSuite } from '../detect/cases.js'
import type { Detector } from '../detect/define.js'
import containerCrashloop from './container-crashloop.js'
import containerOomkilled from './container-oomkilled.js'
import imagePullFailure from './image-pull-failure.js'
import podUnschedulable from './pod-unschedulable.js'
import initStuck from './init-stuck.js'
import deploymentReplicaFailure from './deployment-replica-failure.js'
import nodeDiskPressure from './node-disk-pressure.js'
import nodeMemoryPressure from './node-memory-pressure.js'
import nodeNetworkUnavailable from './node-network-unavailable.js'
import nodeNotReady from './node-not-ready.js'
import nodePidPressure from './node-pid-pressure.js'

/** The built-in TypeScript detectors, in catalogue order. Every entry has `<id>.cases.ts` and `docs/detectors/<id>.md`. */
export const builtinTsDetectors: Detector[] = [
  nodeNotReady,
  nodeMemoryPressure,
  nodeDiskPressure,
  nodePidPressure,
  nodeNetworkUnavailable,
  containerCrashloop,
  containerOomkilled,
  imagePullFailure,
  initStuck,
  deploymentReplicaFailure,
  podUnschedulable,
]

/** Loads the test cases of a built-in TypeScript detector by id. */
export async function loadBuiltinCases(id: string): Promise<DetectorSuite> {
  // Not a template Vite can expand: its import-glob rewrite would look for `*.cases.js` beside the sources.
  const file = `./${id}.cases.js`
  const mod = (await import(/* @vite-ignore */ file)) as { default: DetectorSuite }
  return { ...mod.default, origin: `src/detectors/${id}.cases.ts` }
}
