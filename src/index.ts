/** kubedac's public API: write detectors and collectors, test them, and scan from code. */
export { defineDetector, renderTemplate, CATEGORIES } from './detect/define.js'
export type {
  Detector,
  DetectorMeta,
  DetectContext,
  ReportInput,
  Params,
  ParamSpec,
  Category,
} from './detect/define.js'
export { defineCases } from './detect/cases.js'
export type {
  DetectorCases,
  DetectorSuite,
  ValidCase,
  InvalidCase,
  SkipCase,
  ExpectedFinding,
} from './detect/cases.js'
export { runSuite } from './detect/tester.js'
export type { SuiteResult, CaseResult } from './detect/tester.js'
export { defineCollector } from './collect/define.js'
export type {
  Collector,
  CollectorMeta,
  CollectContext,
  CollectSink,
  ClusterTarget,
} from './collect/define.js'
export { SnapshotBuilder } from './snapshot/snapshot.js'
export type { Snapshot, PodLog } from './snapshot/snapshot.js'
export { matchesSelector, matchesMapSelector } from './snapshot/selectors.js'
export { runDetectors } from './detect/engine.js'
export { loadBuiltinDetectors, loadDirectory } from './detect/registry.js'
export { scan, scanCluster, scanStream } from './pipeline.js'
export type { ScanOptions, StreamOptions, ScannedCluster } from './pipeline.js'
export { parseConfig, loadConfig, configureDetectors } from './config/config.js'
export { renderReport, REPORT_FORMATS, chunkRenderer, STREAMED_FORMATS } from './report/index.js'
export type { ChunkRenderer, ReportPart, ReportTail } from './report/stream.js'
export type {
  Finding,
  Report,
  Severity,
  KubeObject,
  ObjectRef,
  ScanError,
  ClusterResult,
} from './core/types.js'
export { KubedacError, ERRORS } from './core/errors.js'
