import type { ClusterTarget, Collector } from '../collect/define.js'
import type { Config } from '../config/config.js'
import type { ClusterResult } from '../core/types.js'
import type { ConfiguredDetector } from '../detect/engine.js'
import { causeKey, causeOf, fleetKeyOf, objectLabelsOf } from '../findings/cause.js'
import { scanCluster, threwResult } from '../pipeline.js'
import type { RecordScanResult, Store, StoredFindingInput } from '../store/types.js'

/** What scanning needs: the enabled detectors, the collectors and the configuration. */
export interface ScanSetup {
  detectors: ConfiguredDetector[]
  collectors: Collector[]
  config: Config
}

/** One cluster scanned, ready for the store. */
export interface ScannedCluster {
  result: ClusterResult
  findings: StoredFindingInput[]
  /** Enabled detectors minus those skipped for lack of data. */
  detectorsRan: string[]
  startedAt: Date
  finishedAt: Date
}

/**
 * Scans one cluster and gives each finding its grouping keys (root cause, fleet key) and its
 * object's labels, read from the snapshot before it is dropped. Never throws: a scan that fails
 * comes back as an `unreachable` result with the error, so that it is recorded like any other.
 */
export async function scanForStore(target: ClusterTarget, setup: ScanSetup): Promise<ScannedCluster> {
  const startedAt = new Date()
  let findings: StoredFindingInput[] = []
  let result: ClusterResult
  try {
    const out = await scanCluster(target, {
      detectors: setup.detectors,
      collectors: setup.collectors,
      config: setup.config,
      onSnapshot: (snapshot, found) => {
        findings = found.map((f) => {
          // A grouping rule that trips on odd data must not cost the scan: the finding is its own cause.
          let cause = causeKey(f.object.kind, f.object.namespace, f.object.name)
          let fleetKey: string | undefined
          try {
            cause = causeOf(f, snapshot).key
            fleetKey = fleetKeyOf(f, snapshot)
          } catch {
            fleetKey = undefined
          }
          const objectLabels = objectLabelsOf(f, snapshot)
          return {
            ...f,
            cause,
            ...(fleetKey !== undefined ? { fleetKey } : {}),
            ...(objectLabels !== undefined ? { objectLabels } : {}),
          }
        })
      },
    })
    result = out.cluster
  } catch (e) {
    findings = []
    result = threwResult(target, e)
  }
  const skipped = new Set(result.skipped)
  const detectorsRan = setup.detectors.map((d) => d.detector.meta.id).filter((id) => !skipped.has(id))
  return { result, findings, detectorsRan, startedAt, finishedAt: new Date() }
}

/** Records a scanned cluster in the store: one transaction for findings, lifecycle and incidents. */
export function recordScanned(
  store: Pick<Store, 'recordScan'>,
  target: ClusterTarget,
  scanned: ScannedCluster,
): Promise<RecordScanResult> {
  return store.recordScan({
    cluster: {
      name: target.name,
      source: target.source,
      ...(target.labels ? { labels: target.labels } : {}),
    },
    result: scanned.result,
    findings: scanned.findings,
    detectorsRan: scanned.detectorsRan,
    startedAt: scanned.startedAt,
    now: scanned.finishedAt,
  })
}
