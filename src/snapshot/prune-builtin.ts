// Which scans may prune: only those whose every detector is one `prune.test.ts` checks. Apart from
// prune.ts so that the snapshot does not import the detectors (they import the snapshot).
import type { Detector } from '../detect/define.js'
import type { ConfiguredDetector } from '../detect/engine.js'
import { BUILTIN_YAML_DIR } from '../detect/registry.js'
import { builtinTsDetectors } from '../detectors/index.js'
import { PRUNED_TREES, type FieldTree } from './prune.js'

const BUILTIN_TS: ReadonlySet<Detector> = new Set(builtinTsDetectors)

/** Whether a detector ships with kubedac (its cases are what `prune.test.ts` checks). */
export function isBuiltinDetector(d: Detector): boolean {
  return BUILTIN_TS.has(d) || (d.origin !== undefined && d.origin.startsWith(BUILTIN_YAML_DIR))
}

const NONE: ReadonlyMap<string, FieldTree> = new Map()

/** The fields a snapshot may drop for these detectors: all of PRUNED_FIELDS if all are built-in, else none. */
export function prunedFieldsFor(detectors: readonly ConfiguredDetector[]): ReadonlyMap<string, FieldTree> {
  return detectors.every(({ detector }) => isBuiltinDetector(detector)) ? PRUNED_TREES : NONE
}
