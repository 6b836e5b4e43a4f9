import type { Incident, Store } from '../store/types.js'
import type { NotificationsConfig } from './config.js'
import { fromStoreIncident } from './from-store.js'
import { PAYLOAD_MEMBER_LIMIT, planNotifications } from './router.js'
import type { NotifyIncident } from './types.js'

/** The parts of the store that planning from it needs. */
export type PlanningStore = Pick<
  Store,
  'getIncident' | 'listIncidents' | 'listClusters' | 'enqueue' | 'markIncidentNotified'
>

/** Options of {@link enqueueChanges} and {@link enqueueSweep}. */
export interface EnqueueOptions {
  /** A link to an incident in kubedac's API or UI (Alertmanager's generatorURL, message links). */
  incidentUrl?: (id: string) => string
}

/** What an enqueue did. */
export interface EnqueueResult {
  incidents: number
  /** Messages planned (most are already in the outbox on a sweep). */
  planned: number
  /** Messages new to the outbox. */
  added: number
}

async function plan(
  store: PlanningStore,
  incidents: Incident[],
  escalated: ReadonlySet<string>,
  config: NotificationsConfig,
  now: Date,
  opts: EnqueueOptions,
  sweep: boolean,
): Promise<EnqueueResult> {
  const mapped: NotifyIncident[] = []
  const notified = new Set<string>()
  for (const i of incidents) {
    const detail = await store.getIncident(i.id, { memberLimit: PAYLOAD_MEMBER_LIMIT })
    if (!detail) continue
    if (detail.lastNotifiedAt) notified.add(detail.id)
    mapped.push(
      fromStoreIncident(detail, {
        now,
        escalated: escalated.has(i.id),
        ...(opts.incidentUrl ? { url: opts.incidentUrl(i.id) } : {}),
      }),
    )
  }
  const labels = Object.fromEntries((await store.listClusters()).map((c) => [c.name, c.labels]))
  let messages = planNotifications(mapped, labels, config, now)
  // A sweep tells about an incident nobody was told of (at its peak: the store does not keep the
  // opening severity) and resends; an opening or escalation of an incident already notified came
  // from its scan, and planning it again at the peak could reach receivers it never concerned.
  if (sweep) messages = messages.filter((m) => m.event === 'resend' || !notified.has(m.incidentId))
  const added = messages.length ? await store.enqueue(messages, now) : 0
  // Recorded after the enqueue: a crash between the two leaves the incident "never notified", and
  // the next sweep plans the same keys again, which adds nothing.
  const told = new Set(messages.filter((m) => m.event !== 'resolve').map((m) => m.incidentId))
  for (const id of told) await store.markIncidentNotified(id, now)
  return { incidents: mapped.length, planned: messages.length, added }
}

/**
 * Plans and enqueues the notifications for what one recorded scan changed (its `opened`,
 * `escalated` and `resolved` incidents), and marks the incidents told of as notified. Call it
 * right after `recordScan`; calling it again with the same result adds nothing.
 */
export async function enqueueChanges(
  store: PlanningStore,
  changes: { opened: Incident[]; escalated: Incident[]; resolved: Incident[] },
  config: NotificationsConfig,
  now: Date,
  opts: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const byId = new Map<string, Incident>()
  for (const i of [...changes.opened, ...changes.escalated, ...changes.resolved]) byId.set(i.id, i)
  const escalated = new Set(changes.escalated.map((i) => i.id))
  return plan(store, [...byId.values()], escalated, config, now, opts, false)
}

/**
 * Plans every open incident again and enqueues what is new: resends of long-open criticals and
 * Alertmanager refreshes, and the opening of any incident never notified (one a silence held back
 * and has now let go, or one a crash between recording its scan and enqueueing kept from being
 * planned). Call it on an interval (a few minutes: the precision of resends). Incidents it
 * notifies are marked notified in the store.
 */
export async function enqueueSweep(
  store: PlanningStore,
  config: NotificationsConfig,
  now: Date,
  opts: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const total: EnqueueResult = { incidents: 0, planned: 0, added: 0 }
  const limit = 500
  // Offset pages over a changing list may skip or repeat an incident; the next sweep catches it,
  // and a repeat adds nothing.
  for (let offset = 0; ; offset += limit) {
    const page = await store.listIncidents({ state: 'open' }, { limit, offset })
    const r = await plan(store, page.items, new Set(), config, now, opts, true)
    total.incidents += r.incidents
    total.planned += r.planned
    total.added += r.added
    if (page.items.length < limit) break
  }
  return total
}
