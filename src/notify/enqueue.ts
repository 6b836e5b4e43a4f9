import type { Incident, IncidentNotified, NotifiedMark, Store } from '../store/types.js'
import type { NotificationsConfig } from './config.js'
import { fromStoreIncident } from './from-store.js'
import { nextResendAt, PAYLOAD_MEMBER_LIMIT, planNotifications } from './router.js'
import type { NotifyIncident, PlannedMessage } from './types.js'

/** The parts of the store that planning from it needs. */
export type PlanningStore = Pick<
  Store,
  'getIncident' | 'getCluster' | 'enqueue' | 'incidentsToNotify' | 'notifiedStates' | 'markNotified'
>

/** Options of {@link enqueueChanges} and {@link enqueueSweep}. */
export interface EnqueueOptions {
  /** A link to an incident in kubedac's API or UI (Alertmanager's generatorURL, message links). */
  incidentUrl?: (id: string) => string
}

/** What an enqueue did. */
export interface EnqueueResult {
  incidents: number
  /** Messages planned (a replayed plan's are already in the outbox). */
  planned: number
  /** Messages new to the outbox. */
  added: number
}

/** Cluster labels by name, read from the store as incidents need them (shared by a sweep's pages). */
type LabelCache = Map<string, Record<string, string>>

async function loadLabels(store: PlanningStore, names: Iterable<string>, cache: LabelCache) {
  for (const name of names)
    if (!cache.has(name)) cache.set(name, (await store.getCluster(name))?.labels ?? {})
}

/** What to record once the incident's messages are in the outbox. */
function markOf(
  incident: NotifyIncident,
  told: IncidentNotified,
  planned: PlannedMessage[],
  labels: LabelCache,
  config: NotificationsConfig,
  now: Date,
): NotifiedMark {
  const base = { id: incident.id, planned: planned.length > 0 }
  if (incident.state === 'resolved') return { ...base, resolved: true, dueAt: null }
  const dueAt = nextResendAt(incident, (c) => labels.get(c), config, now)
  // A silence holds everything back: nothing is recorded, so its end finds the incident still owed.
  if (incident.silenced) return { ...base, dueAt }
  const peak = incident.peakSeverity ?? incident.severity
  return { ...base, severity: peak, openedSeverity: told.openedSeverity ?? peak, dueAt }
}

/**
 * Plans what the store owes receivers for these incidents, from what was notified of each: the
 * opening of one never notified (at its peak), an escalation above the severity notified, the
 * resolve of one whose opening was notified, and the resends due. Enqueues, then records what was
 * notified: a crash between the two leaves the incidents owed, and planning them again makes the
 * same keys, which the outbox ignores.
 */
async function planIncidents(
  store: PlanningStore,
  ids: string[],
  config: NotificationsConfig,
  now: Date,
  opts: EnqueueOptions,
  labels: LabelCache,
): Promise<EnqueueResult> {
  const told = await store.notifiedStates(ids)
  const owed: { incident: NotifyIncident; told: IncidentNotified }[] = []
  for (const id of ids) {
    const notified = told.get(id)
    if (!notified) continue
    const detail = await store.getIncident(id, { memberLimit: PAYLOAD_MEMBER_LIMIT })
    // A resolve is owed only for an opening that was notified, and only once.
    if (!detail || (detail.state === 'resolved' && notified.state !== 'open')) continue
    await loadLabels(store, detail.cluster === null ? detail.clusterNames : [detail.cluster], labels)
    const url = opts.incidentUrl?.(id)
    owed.push({
      incident: fromStoreIncident(detail, { now, notified, ...(url ? { url } : {}) }),
      told: notified,
    })
  }
  const messages: PlannedMessage[] = []
  const marks: NotifiedMark[] = []
  for (const { incident, told: notified } of owed) {
    const planned = planNotifications([incident], (c) => labels.get(c), config, now)
    messages.push(...planned)
    marks.push(markOf(incident, notified, planned, labels, config, now))
  }
  const added = messages.length ? await store.enqueue(messages, now) : 0
  await store.markNotified(marks, now)
  return { incidents: owed.length, planned: messages.length, added }
}

/**
 * Plans and enqueues the notifications for what one recorded scan changed (its `opened`,
 * `escalated` and `resolved` incidents), from what was notified of each, and records what was
 * notified. Call it right after `recordScan`; calling it again adds nothing.
 */
export async function enqueueChanges(
  store: PlanningStore,
  changes: { opened: Incident[]; escalated: Incident[]; resolved: Incident[] },
  config: NotificationsConfig,
  now: Date,
  opts: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const ids = new Set([...changes.opened, ...changes.escalated, ...changes.resolved].map((i) => i.id))
  return planIncidents(store, [...ids], config, now, opts, new Map())
}

/**
 * Plans every incident the store says is owed something (store.incidentsToNotify): an opening,
 * escalation or resolve not yet notified (a silence held it back and has let go, or a crash came
 * between recording a scan and enqueueing its messages, however long ago), and the resends and
 * Alertmanager refreshes due. Call it on an interval (a few minutes: the precision of resends).
 */
export async function enqueueSweep(
  store: PlanningStore,
  config: NotificationsConfig,
  now: Date,
  opts: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const total: EnqueueResult = { incidents: 0, planned: 0, added: 0 }
  const labels: LabelCache = new Map()
  const limit = 500
  // Keyset pages by id: an incident owed still (held by a silence) is passed, not read again.
  for (let after: string | null = null; ;) {
    const ids = await store.incidentsToNotify({ now, after, limit })
    const r = await planIncidents(store, ids, config, now, opts, labels)
    total.incidents += r.incidents
    total.planned += r.planned
    total.added += r.added
    if (ids.length < limit) break
    after = ids[ids.length - 1]!
  }
  return total
}
