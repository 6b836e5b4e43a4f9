import type { NotificationsConfig } from '../notify/config.js'
import { enqueueChanges, enqueueSweep, type EnqueueOptions } from '../notify/enqueue.js'
import type { Incident, RecordScanResult, Store } from '../store/types.js'
import { silentLogger, type Logger } from './log.js'

/** Turns incidents into outbox messages after scans, and on a sweep over every open incident. */
export interface Notifier {
  /** Plans what one recorded scan changed (opened, escalated, resolved incidents); returns messages added. */
  afterScan(result: RecordScanResult, at: Date): Promise<number>
  /**
   * Plans for every open incident (resends; an opening a silence held back; an opening a crash
   * kept from the outbox) and, on the first sweep of the process, the resolutions of the last
   * `recoveryWindowMs` of incidents that had been notified. Returns messages added.
   */
  sweep(at: Date): Promise<number>
}

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  store: Store
  config: NotificationsConfig
  /** The base URL of this service, for links in notifications (`<url>/api/v1/incidents/<id>`). */
  externalUrl?: string
  /** How far back the first sweep looks for resolutions that may not have been planned (default 24 h). */
  recoveryWindowMs?: number
  log?: Logger
}

/**
 * The glue between the store and src/notify's planner (enqueueChanges, enqueueSweep). Why a crash
 * loses no notification although recording a scan and enqueueing its messages are two steps (the
 * store has no transaction spanning both): planning is a function of the store's state, with keys
 * built from the incident, the event and its opening time, and the outbox ignores a key it holds.
 * - Killed after a scan committed and before its messages were enqueued: an opening is planned by
 *   the next sweep (it plans every open incident not yet notified), and this process's first sweep
 *   also plans the resolutions of the last day for incidents that had been notified, which the
 *   lost `afterScan` would have sent (those already in the outbox are known keys: nothing added).
 * - Killed between enqueueing and marking the incident notified: the next plan makes the same
 *   keys, and the outbox adds nothing.
 * - Delivery is at least once (a claim whose lease runs out is sent again, same key) and every
 *   receiver deduplicates by that key, so each notification takes effect once.
 * What a crash there can still lose is an escalation (the store keeps the peak severity, not the
 * opening one; see docs/notifications.md): the incident stays notified at its opening severity.
 */
export function createNotifier(opts: NotifierOptions): Notifier {
  const { store, config } = opts
  const log = opts.log ?? silentLogger
  const recoveryMs = opts.recoveryWindowMs ?? 24 * 3_600_000
  const enqueueOpts: EnqueueOptions = opts.externalUrl
    ? {
        incidentUrl: (id) =>
          `${opts.externalUrl!.replace(/\/+$/, '')}/api/v1/incidents/${encodeURIComponent(id)}`,
      }
    : {}
  let recovered = false

  const recentlyResolved = async (at: Date): Promise<Incident[]> => {
    const out: Incident[] = []
    for (let offset = 0; ; offset += 500) {
      const page = await store.listIncidents({ state: 'resolved', notified: true }, { limit: 500, offset })
      for (const i of page.items)
        if (i.resolvedAt && at.getTime() - i.resolvedAt.getTime() <= recoveryMs) out.push(i)
      if (page.items.length < 500) break
    }
    return out
  }

  return {
    async afterScan(result, at) {
      if (!config.receivers.length) return 0
      const r = await enqueueChanges(store, result, config, at, enqueueOpts)
      if (r.added) log.info('notifications planned', { added: r.added, incidents: r.incidents })
      return r.added
    },

    async sweep(at) {
      if (!config.receivers.length) return 0
      let added = 0
      if (!recovered) {
        const resolved = await recentlyResolved(at)
        if (resolved.length) {
          const r = await enqueueChanges(
            store,
            { opened: [], escalated: [], resolved },
            config,
            at,
            enqueueOpts,
          )
          if (r.added) log.warn('resolutions recovered after a restart', { added: r.added })
          added += r.added
        }
        recovered = true
      }
      const r = await enqueueSweep(store, config, at, enqueueOpts)
      if (r.added) log.info('notifications planned by the sweep', { added: r.added, incidents: r.incidents })
      return added + r.added
    },
  }
}
