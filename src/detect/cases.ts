import type { KubeObject } from '../core/types.js'
import type { Detector, Params } from './define.js'

/** An object named in an expectation: `Kind`, namespace (absent for cluster-scoped) and name. */
export interface ExpectedObject {
  kind: string
  namespace?: string
  name: string
}

/** A finding a test case expects. */
export interface ExpectedFinding {
  object: ExpectedObject
  messageId: string
  /** Message data that must match (a subset of what the detector passed). */
  data?: Record<string, string | number | boolean>
  key?: string
}

/** What every test case has. */
export interface BaseCase {
  /** Plain English, unique within the detector: "does not fire when the HPA is intentionally pinned". */
  name: string
  /** The cluster's objects for this case. */
  objects: KubeObject[]
  /** The instant the case is judged at (RFC 3339); default: the objects' newest timestamp. */
  now?: string
  params?: Params
  /** Collector data by key, for detectors that require non-object data. */
  data?: Record<string, unknown>
  /** Kinds gathered in full although the case has none of them ("nodes were listed: there are none"). */
  collected?: string[]
}

/** A case in which the detector must report nothing. */
export type ValidCase = BaseCase

/** A case in which the detector must report exactly these findings. */
export interface InvalidCase extends BaseCase {
  findings: ExpectedFinding[]
}

/** A case in which the detector must be skipped for missing data. */
export type SkipCase = BaseCase

/** A detector's tests, in the RuleTester shape: `valid`, `invalid`, and optionally `skip`. */
export interface DetectorCases {
  valid: ValidCase[]
  invalid: InvalidCase[]
  skip?: SkipCase[]
}

/** A detector with its cases, as the test runner takes it. */
export interface DetectorSuite {
  detector: Detector
  cases: DetectorCases
  /** The file the cases came from, for messages. */
  origin?: string
}

/** Declares the cases of a TypeScript detector (in `<id>.cases.ts`, default export). */
export function defineCases(detector: Detector, cases: DetectorCases): DetectorSuite {
  return { detector, cases }
}
