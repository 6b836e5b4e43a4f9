import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { ERRORS } from '../core/errors.js'
import { SEVERITIES } from '../core/types.js'
import type { Store } from '../store/types.js'

/** The service's Prometheus metrics, on a registry of its own (never prom-client's global one). */
export interface Metrics {
  registry: Registry
  /** Counts a recorded scan by its status (`scanned`, `partial`, `unreachable`, or `failed` when the store refused it). */
  scanned(status: string, seconds: number): void
  /** Counts collector errors by code (unknown codes count as `other`). */
  collectorError(code: string): void
  /** Counts notifications by receiver and result (`sent`, `retry`, `gave-up`, `superseded`). */
  notification(receiver: string, result: string, n?: number): void
}

/** What the scrape-time gauges read. */
export interface MetricsOptions {
  store: Pick<Store, 'openFindingsBySeverityAndDetector' | 'clustersByStatus' | 'outboxStats'>
  /** Detector ids of the catalogue: the only values the `detector` label takes (others count as `other`). */
  detectors: Iterable<string>
  /** Receiver names of the config: the only values the `receiver` label takes. */
  receivers: Iterable<string>
  /** The clock silences are judged at (default: Date). */
  now?: () => Date
  /** Add Node's process metrics (default true). */
  processMetrics?: boolean
}

const CODES: ReadonlySet<string> = new Set(Object.keys(ERRORS))
const SCAN_STATUSES: ReadonlySet<string> = new Set(['scanned', 'partial', 'unreachable', 'failed'])
const RESULTS: ReadonlySet<string> = new Set(['sent', 'retry', 'gave-up', 'superseded', 'deferred'])

/**
 * Creates the metrics. Label values are bounded: severities, statuses, error codes of the
 * catalogue, detector ids of the catalogue and receiver names of the config; never cluster,
 * namespace or object names. Finding, cluster and outbox gauges are read from the store at scrape
 * time, so an expired silence stops counting as silenced at once; while the store is down they keep
 * their last values and `kubedac_store_up` is 0.
 */
export function createMetrics(opts: MetricsOptions): Metrics {
  const registry = new Registry()
  const detectors = new Set(opts.detectors)
  const receivers = new Set(opts.receivers)
  const now = opts.now ?? (() => new Date())
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'kubedac_' })

  const storeUp: Gauge = new Gauge({
    name: 'kubedac_store_up',
    help: 'Whether the last scrape could read the store (1) or not (0)',
    registers: [registry],
    collect: () => refresh(),
  })
  // One read of the store per scrape feeds both finding gauges and is shared by their collect().
  let pending: Promise<void> | undefined
  const refresh = () =>
    (pending ??= (async () => {
      try {
        const [counts, byStatus, outbox] = await Promise.all([
          opts.store.openFindingsBySeverityAndDetector(now()),
          opts.store.clustersByStatus(),
          opts.store.outboxStats(),
        ])
        open.reset()
        silenced.reset()
        for (const s of SEVERITIES) silenced.set({ severity: s }, 0)
        const bySev = new Map<string, number>()
        for (const c of counts) {
          const detector = detectors.has(c.detector) ? c.detector : 'other'
          if (c.open > 0) open.inc({ severity: c.severity, detector }, c.open)
          bySev.set(c.severity, (bySev.get(c.severity) ?? 0) + c.silenced)
        }
        for (const [s, n] of bySev) silenced.set({ severity: s }, n)
        clusters.reset()
        for (const st of ['scanned', 'partial', 'unreachable']) clusters.set({ status: st }, 0)
        for (const s of byStatus) clusters.set({ status: s.status }, s.clusters)
        outboxGauge.set({ state: 'pending' }, outbox.pending)
        outboxGauge.set({ state: 'sent' }, outbox.sent)
        outboxGauge.set({ state: 'failed' }, outbox.failed)
        storeUp.set(1)
      } catch {
        storeUp.set(0)
      }
    })().finally(() => {
      pending = undefined
    }))

  const open: Gauge<'severity' | 'detector'> = new Gauge({
    name: 'kubedac_findings_open',
    help: 'Open findings not silenced, by severity and detector',
    labelNames: ['severity', 'detector'],
    registers: [registry],
    collect: refresh,
  })
  const silenced: Gauge<'severity'> = new Gauge({
    name: 'kubedac_findings_silenced',
    help: 'Open findings silenced now, by severity (counted apart from kubedac_findings_open)',
    labelNames: ['severity'],
    registers: [registry],
    collect: refresh,
  })
  const clusters: Gauge<'status'> = new Gauge({
    name: 'kubedac_clusters',
    help: 'Clusters by the status of their last scan',
    labelNames: ['status'],
    registers: [registry],
    collect: refresh,
  })
  const outboxGauge: Gauge<'state'> = new Gauge({
    name: 'kubedac_outbox_messages',
    help: 'Notification outbox messages by state',
    labelNames: ['state'],
    registers: [registry],
    collect: refresh,
  })
  const scans = new Counter({
    name: 'kubedac_scans_total',
    help: 'Cluster scans by status (failed: the store could not record it)',
    labelNames: ['status'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'kubedac_scan_duration_seconds',
    help: 'Duration of one cluster scan, collection to recorded',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  })
  const collectorErrors = new Counter({
    name: 'kubedac_collector_errors_total',
    help: 'Collection errors by reason (the error code)',
    labelNames: ['reason'],
    registers: [registry],
  })
  const notifications = new Counter({
    name: 'kubedac_notifications_total',
    help: 'Notification deliveries by receiver and result (sent, retry, gave-up, superseded)',
    labelNames: ['receiver', 'result'],
    registers: [registry],
  })
  for (const s of ['scanned', 'partial', 'unreachable', 'failed']) scans.inc({ status: s }, 0)

  return {
    registry,
    scanned(status, seconds) {
      scans.inc({ status: SCAN_STATUSES.has(status) ? status : 'failed' })
      duration.observe(seconds)
    },
    collectorError(code) {
      collectorErrors.inc({ reason: CODES.has(code) ? code : 'other' })
    },
    notification(receiver, result, n = 1) {
      notifications.inc(
        {
          receiver: receivers.has(receiver) ? receiver : 'other',
          result: RESULTS.has(result) ? result : 'other',
        },
        n,
      )
    },
  }
}
