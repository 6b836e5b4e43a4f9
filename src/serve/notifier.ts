import type { NotificationsConfig } from '../notify/config.js'
import { enqueueChanges, enqueueSweep, type EnqueueOptions } from '../notify/enqueue.js'
import type { RecordScanResult, Store } from '../store/types.js'
import { silentLogger, type Logger } from './log.js'

/** Turns incidents into outbox messages after scans, and on a sweep of what the store says is owed. */
export interface Notifier {
  /** Plans what one recorded scan changed (opened, escalated, resolved incidents); returns messages added. */
  afterScan(result: RecordScanResult, at: Date): Promise<number>
  /**
   * Plans every incident owed a notification (an opening, escalation or resolve not yet notified,
   * whatever kept it back: a silence, a crash) and the resends due. Returns messages added.
   */
  sweep(at: Date): Promise<number>
}

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  store: Store
  config: NotificationsConfig
  /** The base URL of this service, for links in notifications (`<url>/api/v1/incidents/<id>`). */
  externalUrl?: string
  log?: Logger
}

/**
 * The glue between the store and src/notify's planner (enqueueChanges, enqueueSweep). Recording a
 * scan and enqueueing its messages are two steps (the store has no transaction spanning both); a
 * crash anywhere between them loses nothing and sends nothing twice, because the store keeps, per
 * incident, what was notified of its opening (the severity it opened at, the highest severity
 * notified, whether its resolve was), and that record is written only after the messages are in
 * the outbox:
 * - Killed after a scan committed and before its messages were enqueued: the incidents it opened,
 *   escalated or resolved are owed (their notified state lags their state: an index holds just
 *   those), and the next sweep plans exactly what lags: the opening of one never notified, the
 *   escalation above the severity notified, the resolve of one whose opening was notified. There
 *   is no time window: a resolve is owed however long the process was down.
 * - Killed after the enqueue and before the record: the next plan makes the same keys (built from
 *   the incident, the event, its opening time and the severity), and the outbox adds nothing.
 * - Delivery is at least once (a claim whose lease runs out is sent again, same key) and every
 *   receiver deduplicates by that key, so each notification takes effect once.
 * Within a process, afterScan and sweep run one at a time, so that two plans of one incident
 * never race (two processes planning one incident at once could still both plan its opening
 * before either records it: one message, by key, at the severity of the first).
 */
export function createNotifier(opts: NotifierOptions): Notifier {
  const { store, config } = opts
  const log = opts.log ?? silentLogger
  const enqueueOpts: EnqueueOptions = opts.externalUrl
    ? {
        incidentUrl: (id) =>
          `${opts.externalUrl!.replace(/\/+$/, '')}/api/v1/incidents/${encodeURIComponent(id)}`,
      }
    : {}
  let queue: Promise<unknown> = Promise.resolve()
  const serially = <T>(f: () => Promise<T>): Promise<T> => {
    const run = queue.then(f, f)
    queue = run.catch(() => {})
    return run
  }

  return {
    afterScan(result, at) {
      if (!config.receivers.length) return Promise.resolve(0)
      return serially(async () => {
        const r = await enqueueChanges(store, result, config, at, enqueueOpts)
        if (r.added) log.info('notifications planned', { added: r.added, incidents: r.incidents })
        return r.added
      })
    },

    sweep(at) {
      if (!config.receivers.length) return Promise.resolve(0)
      return serially(async () => {
        const r = await enqueueSweep(store, config, at, enqueueOpts)
        if (r.added)
          log.info('notifications planned by the sweep', { added: r.added, incidents: r.incidents })
        return r.added
      })
    },
  }
}
