import type { DetectorSuite } from '../detect/cases.js'
import type { Detector } from '../detect/define.js'
import nodeNotReady from './node-not-ready.js'

/** The built-in TypeScript detectors, in catalogue order. Every entry has `<id>.cases.ts` and `docs/detectors/<id>.md`. */
export const builtinTsDetectors: Detector[] = [nodeNotReady]

/** Loads the test cases of a built-in TypeScript detector by id. */
export async function loadBuiltinCases(id: string): Promise<DetectorSuite> {
  const mod = (await import(`./${id}.cases.js`)) as { default: DetectorSuite }
  return { ...mod.default, origin: `src/detectors/${id}.cases.ts` }
}
