import { severityRank, type Severity } from '../core/types.js'
import type { NotificationsConfig } from '../notify/config.js'
import { planNotifications } from '../notify/router.js'
import type { NotifyFinding, NotifyIncident, PlannedMessage } from '../notify/types.js'
import type { Incident, IncidentDetail, RecordScanResult, Store, StoredFinding } from '../store/types.js'
import { silentLogger, type Logger } from './log.js'

/** Turns incidents into outbox messages after scans, and on a sweep over every open incident. */
export interface Notifier {
  /** Plans what one recorded scan changed (opened, escalated, resolved incidents); returns messages added. */
  afterScan(result: RecordScanResult, at: Date): Promise<number>
  /**
   * Plans for every open incident (resends; an opening whose silence ended; an opening a crash kept
   * from the outbox) and, on the first sweep of the process, for incidents resolved in the last
   * `recoveryWindowMs` that had been notified. Returns messages added.
   */
  sweep(at: Date): Promise<number>
}

/** Options of {@link createNotifier}. */
export interface NotifierOptions {
  store: Store
  config: NotificationsConfig
  /** Labels of the clusters the inventory names (the store's labels fill in for the others). */
  clusterLabels?: () => Map<string, Record<string, string>>
  /** The base URL of this service, for links in notifications (`<url>/api/v1/incidents/<id>`). */
  externalUrl?: string
  /** How far back the first sweep looks for resolutions that may not have been planned (default 24 h). */
  recoveryWindowMs?: number
  log?: Logger
}

const after = (d: Date | null, at: Date) => d !== null && d.getTime() > at.getTime()

/** Silenced or snoozed findings stay out of notifications (they still count, apart, in the API and metrics). */
export function isQuiet(f: StoredFinding, at: Date): boolean {
  return after(f.silencedUntil, at) || after(f.snoozedUntil, at)
}

const maxSeverity = (list: Severity[], fallback: Severity): Severity =>
  list.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a), list[0] ?? fallback)

function notifyFinding(f: StoredFinding): NotifyFinding {
  return {
    detector: f.detector,
    severity: f.severity,
    cluster: f.cluster,
    object: {
      apiVersion: f.object.apiVersion,
      kind: f.object.kind,
      ...(f.object.namespace ? { namespace: f.object.namespace } : {}),
      name: f.object.name,
    },
    message: f.message,
    remediation: f.remediation,
    runbook: f.runbook,
    fingerprint: f.fingerprint,
  }
}

/**
 * The notifier glue between the store and src/notify. Why a crash never loses or doubles a
 * notification although the scan's transaction and the outbox insert are two steps: planning is
 * a pure function of the store's state with keys built from the incident, the event and its
 * opening time, and the outbox ignores a key it already holds. So:
 * - a crash after the scan committed and before its messages were enqueued: the next process's
 *   first sweep plans every open incident again (the missing `open` is added, the others are
 *   known keys), and re-plans resolutions of the last day for incidents that had been notified;
 * - incidents are marked notified *before* their messages are enqueued, so that a crash between
 *   the two can at worst send a resolve for an opening that was then re-planned, never skip one;
 * - delivery is at least once (a lease that runs out is retried with the same key) and each
 *   receiver deduplicates by that key: the effect is exactly once.
 * Silenced (or snoozed) findings are left out of their incident's notification; an incident whose
 * open findings are all quiet plans nothing, and when the silence ends the next sweep plans its
 * opening. An incident that was never notified is not notified of its resolution either.
 */
export function createNotifier(opts: NotifierOptions): Notifier {
  const { store, config } = opts
  const log = opts.log ?? silentLogger
  const recoveryMs = opts.recoveryWindowMs ?? 24 * 3_600_000
  // The severity each incident opened at, as this process saw it (the store keeps the current and
  // the peak); after a restart the current severity stands in for it.
  const openedSeverity = new Map<string, Severity>()
  // Keys this process has planned: a sweep only loads the members of incidents with a new key.
  const known = new Map<string, string>()
  let recovered = false

  const labelsMap = async (): Promise<Map<string, Record<string, string>>> => {
    const out = new Map<string, Record<string, string>>()
    for (const c of await store.listClusters()) out.set(c.name, c.labels)
    for (const [k, v] of opts.clusterLabels?.() ?? []) out.set(k, v)
    return out
  }

  const url = (id: string) =>
    opts.externalUrl
      ? `${opts.externalUrl.replace(/\/+$/, '')}/api/v1/incidents/${encodeURIComponent(id)}`
      : undefined

  /** The incident as the notifier sees it, quiet members left out; undefined when it must not be notified. */
  const view = (d: IncidentDetail, at: Date): NotifyIncident | undefined => {
    const u = url(d.id)
    const base = {
      id: d.id,
      cluster: d.kind === 'fleet' ? null : d.cluster,
      ...(d.kind === 'fleet' ? { clusters: d.clusterNames } : {}),
      cause: d.cause,
      ...(d.detector ? { detector: d.detector } : {}),
      title: d.title,
      openedAt: d.openedAt,
      ...(u ? { url: u } : {}),
    }
    if (d.state === 'resolved') {
      if (d.lastNotifiedAt === null) return undefined
      const opened = openedSeverity.get(d.id) ?? d.severity
      return {
        ...base,
        state: 'resolved',
        severity: d.peakSeverity,
        openedSeverity: opened,
        peakSeverity: d.peakSeverity,
        ...(d.resolvedAt ? { resolvedAt: d.resolvedAt } : {}),
        members: d.findings.map(notifyFinding),
      }
    }
    const open = d.findings.filter((f) => f.state === 'open')
    const loud = open.filter((f) => !isQuiet(f, at))
    const severity = maxSeverity(
      loud.map((f) => f.severity),
      d.severity,
    )
    const opened = openedSeverity.get(d.id) ?? severity
    return {
      ...base,
      state: 'open',
      severity,
      openedSeverity: opened,
      peakSeverity: maxSeverity([opened, severity], severity),
      members: loud.map(notifyFinding),
      silenced: loud.length === 0,
    }
  }

  const receiverType = new Map(config.receivers.map((r) => [r.name, r.type]))

  /** Plans and enqueues messages for these incidents; returns how many the outbox added. */
  const planFor = async (details: IncidentDetail[], at: Date): Promise<number> => {
    if (!details.length || !config.receivers.length) return 0
    const labels = await labelsMap()
    const views: NotifyIncident[] = []
    const acknowledged = new Set<string>()
    for (const d of details) {
      const v = view(d, at)
      if (!v) continue
      views.push(v)
      const loud = d.findings.filter((f) => f.state === 'open' && !isQuiet(f, at))
      if (loud.length && loud.every((f) => f.acknowledgement !== null)) acknowledged.add(d.id)
    }
    // An acknowledged incident is being handled: no reminders (Alertmanager's refreshes still go,
    // they keep its alert from expiring).
    const planned: PlannedMessage[] = planNotifications(views, (c) => labels.get(c), config, at).filter(
      (m) =>
        !(
          m.event === 'resend' &&
          acknowledged.has(m.incidentId) &&
          receiverType.get(m.receiver) !== 'alertmanager'
        ),
    )
    if (!planned.length) return 0
    const fresh = planned.filter((m) => !known.has(m.key))
    if (!fresh.length) return 0
    // Marked before enqueueing: a crash between the two may cost a spurious resolve, never a missing one.
    const opening = new Set(fresh.filter((m) => m.event !== 'resolve').map((m) => m.incidentId))
    for (const id of opening) await store.markIncidentNotified(id, at)
    const added = await store.enqueue(
      fresh.map((m) => ({
        key: m.key,
        receiver: m.receiver,
        event: m.event,
        incidentId: m.incidentId,
        payload: m.payload,
      })),
      at,
    )
    for (const m of fresh) known.set(m.key, m.incidentId)
    if (added)
      log.info('notifications planned', { added, incidents: new Set(fresh.map((m) => m.incidentId)).size })
    return added
  }

  const details = async (incidents: Incident[]): Promise<IncidentDetail[]> => {
    const out: IncidentDetail[] = []
    for (const i of incidents) {
      const d = await store.getIncident(i.id, { memberLimit: 1000 })
      if (d) out.push(d)
    }
    return out
  }

  /** Incident ids with quiet open findings: always looked at again (a silence may have ended). */
  const quietIncidents = async (at: Date): Promise<Set<string>> => {
    const ids = new Set<string>()
    for (const filter of [{ silenced: true }, { snoozed: true }]) {
      let cursor: string | null = null
      do {
        const page = await store.listFindings({ ...filter, state: 'open', now: at }, undefined, {
          limit: 1000,
          cursor,
        })
        for (const f of page.items) if (f.incidentId) ids.add(f.incidentId)
        cursor = page.nextCursor
      } while (cursor)
    }
    return ids
  }

  const recoverResolved = async (at: Date): Promise<Incident[]> => {
    const out: Incident[] = []
    for (let offset = 0; ; offset += 1000) {
      const page = await store.listIncidents({ state: 'resolved', notified: true }, { limit: 1000, offset })
      for (const i of page.items)
        if (i.resolvedAt && at.getTime() - i.resolvedAt.getTime() <= recoveryMs) out.push(i)
      if (offset + page.items.length >= page.total || !page.items.length) break
    }
    return out
  }

  return {
    async afterScan(result, at) {
      for (const i of result.opened) openedSeverity.set(i.id, i.severity)
      const changed = [...result.opened, ...result.escalated, ...result.resolved]
      const added = await planFor(await details(changed), at)
      for (const i of result.resolved) openedSeverity.delete(i.id)
      return added
    },

    async sweep(at) {
      if (!config.receivers.length) return 0
      const open: Incident[] = []
      for (let offset = 0; ; offset += 1000) {
        const page = await store.listIncidents({ state: 'open' }, { limit: 1000, offset })
        open.push(...page.items)
        if (offset + page.items.length >= page.total || !page.items.length) break
      }
      const quiet = await quietIncidents(at)
      const labels = await labelsMap()
      // A cheap plan without members tells which incidents could have a message not yet planned.
      const candidates = open.filter((i) => {
        if (quiet.has(i.id) || !known.size) return true
        const shallow: NotifyIncident = {
          id: i.id,
          cluster: i.cluster,
          cause: i.cause,
          title: i.title,
          severity: i.severity,
          openedSeverity: openedSeverity.get(i.id) ?? i.severity,
          state: 'open',
          openedAt: i.openedAt,
          members: [],
        }
        return planNotifications([shallow], (c) => labels.get(c), config, at).some((m) => !known.has(m.key))
      })
      const resolved = recovered ? [] : await recoverResolved(at)
      recovered = true
      const added = await planFor(await details([...candidates, ...resolved]), at)
      // Keys of incidents no longer open are not needed to skip work.
      const openIds = new Set(open.map((i) => i.id))
      for (const [k, id] of known) if (!openIds.has(id)) known.delete(k)
      for (const id of openedSeverity.keys()) if (!openIds.has(id)) openedSeverity.delete(id)
      return added
    },
  }
}
