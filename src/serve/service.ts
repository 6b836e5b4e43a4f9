import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { ClusterTarget } from '../collect/define.js'
import { errorMessage } from '../core/errors.js'
import type { ScanError } from '../core/types.js'
import { parseNotifications, type NotificationsConfig } from '../notify/config.js'
import { deliver, startDeliveryLoop, type DeliveryLogEntry, type DeliveryLoop } from '../notify/deliver.js'
import { createReceivers } from '../notify/receivers/index.js'
import type { Receiver } from '../notify/receivers/receiver.js'
import type { SilenceInput, Store } from '../store/types.js'
import type { DetectorInfo } from './dto.js'
import type { ListenAddress } from './listen.js'
import type { Logger } from './log.js'
import { createMetrics, type Metrics } from './metrics.js'
import { createNotifier, type Notifier } from './notifier.js'
import { admission, defaultConcurrency, DEFAULT_OBJECT_BUDGET } from '../pipeline.js'
import { recordScanned, scanForStore, type ScanSetup } from './record.js'
import { createServer } from './server.js'

/** Everything `kubedac serve` runs with. */
export interface ServiceOptions {
  store: Store
  setup: ScanSetup
  /** The detector catalogue for the API. */
  catalog: DetectorInfo[]
  /** Resolves the inventory; called before each round, so that new folders and fleet entries are picked up. */
  inventory: () => Promise<{ targets: ClusterTarget[]; errors: ScanError[] }>
  /** Reads silences.yaml; called at start and before each round. A failure keeps the silences in force. */
  loadSilences?: () => Promise<SilenceInput[]>
  /** Time between rounds. */
  intervalMs: number
  /** Fraction of the interval drawn at random, ± (default 0.1): many instances do not scan in step. */
  jitter?: number
  /** Clusters scanned at once (default: as `kubedac scan`, 128 live or 2 offline); a cluster is never scanned twice at once. */
  concurrency?: number
  /** Objects the clusters in flight may hold together (default as `kubedac scan`). */
  objectBudget?: number
  /** Where the API listens; none: no API (`--once`). */
  listen?: ListenAddress
  token?: string
  /** One round, deliver what is due, stop. */
  once?: boolean
  /** How often the delivery loop looks for due messages when idle (default 5 s). */
  deliveryIntervalMs?: number
  /** How long a claimed message is leased to this process (default 60 s). */
  deliveryLeaseMs?: number
  externalUrl?: string
  /** The longest a silence made through the API may run (default 90 days). */
  silenceHorizonMs?: number
  env?: Record<string, string | undefined>
  log: Logger
  random?: () => number
}

/** A running service. */
export interface Service {
  /** The API's address, when it listens. */
  address?: { host: string; port: number }
  app?: FastifyInstance
  metrics: Metrics
  /** Resolves when the service has stopped (after `--once`'s round, or `stop`); true when every scan was recorded. */
  done: Promise<boolean>
  /** Runs a round now (after the one in progress). */
  trigger(): void
  /** Stops after the scans in progress, flushes, closes the API and the store. */
  stop(): Promise<void>
}

function notificationsOf(setup: ScanSetup): NotificationsConfig {
  return (setup.config.notifications as NotificationsConfig | undefined) ?? parseNotifications({})
}

/**
 * Starts `kubedac serve`: a scheduler that scans the inventory every interval (with jitter) and
 * records each cluster's scan (history, incidents), plans notifications through the outbox, a
 * delivery loop that sends them, and the HTTP API. A cluster's failure is recorded as such and
 * never stops the loop; a store outage fails scans (counted, logged) until it returns.
 */
export async function startService(opts: ServiceOptions): Promise<Service> {
  const { store, log } = opts
  const random = opts.random ?? Math.random
  const notifications = notificationsOf(opts.setup)
  const receivers: Map<string, Receiver> = createReceivers(notifications, opts.env ?? process.env)
  const metrics = createMetrics({
    store,
    detectors: opts.catalog.map((d) => d.id),
    receivers: receivers.keys(),
  })
  const notifier: Notifier = createNotifier({
    store,
    config: notifications,
    ...(opts.externalUrl ? { externalUrl: opts.externalUrl } : {}),
    log,
  })

  const deliveryLog = (e: DeliveryLogEntry) => {
    metrics.notification(e.receiver, e.outcome)
    const fields = {
      key: e.key,
      receiver: e.receiver,
      event: e.event,
      attempt: e.attempt,
      ...(e.error ? { error: e.error } : {}),
    }
    if (e.outcome === 'sent') log.info('notification sent', fields)
    else if (e.outcome === 'gave-up') log.error('notification given up', fields)
    else
      log.warn(`notification ${e.outcome}`, {
        ...fields,
        ...(e.nextAttemptAt ? { next: e.nextAttemptAt } : {}),
      })
  }
  const backoff = {
    maxAttempts: notifications.delivery.maxAttempts,
    initialMs: notifications.delivery.initialBackoff,
    maxMs: notifications.delivery.maxBackoff,
  }
  // A retried opening of an incident that has resolved since would page for a solved problem.
  const superseded = async (m: { event: string; incidentId: string; attempts: number }) => {
    if (m.event === 'resolve' || m.attempts <= 1) return false
    const i = await store.getIncident(m.incidentId, { memberLimit: 0 })
    return i !== null && i.state === 'resolved'
  }
  const deliveryOptions = {
    backoff,
    leaseMs: opts.deliveryLeaseMs ?? 60_000,
    log: deliveryLog,
    superseded,
  }

  let lastSilences: string | undefined
  const syncSilences = async () => {
    if (!opts.loadSilences) return
    let list: SilenceInput[]
    try {
      list = await opts.loadSilences()
    } catch (e) {
      log.error('silences file not applied; the silences in force stay', { error: errorMessage(e) })
      return
    }
    const text = JSON.stringify(list)
    if (text === lastSilences) return
    try {
      const r = await store.replaceFileSilences(list, new Date())
      lastSilences = text
      if (r.added || r.updated || r.removed) log.info('silences synced', { ...r })
    } catch (e) {
      log.error('silences not synced: the store failed', { error: errorMessage(e) })
    }
  }

  let allRecorded = true
  const scanOne = async (target: ClusterTarget): Promise<number> => {
    log.info('scan started', { cluster: target.name })
    const scanned = await scanForStore(target, opts.setup)
    for (const e of scanned.result.errors) metrics.collectorError(e.code ?? 'other')
    const seconds = (scanned.finishedAt.getTime() - scanned.startedAt.getTime()) / 1000
    let result
    try {
      result = await recordScanned(store, target, scanned)
    } catch (e) {
      allRecorded = false
      metrics.scanned('failed', seconds)
      log.error('scan not recorded: the store failed', { cluster: target.name, error: errorMessage(e) })
      return scanned.result.objects
    }
    metrics.scanned(scanned.result.status, seconds)
    log.info('scan recorded', {
      cluster: target.name,
      status: scanned.result.status,
      scanId: result.scanId,
      findings: scanned.findings.length,
      new: result.newFindings,
      reopened: result.reopened,
      resolved: result.resolvedFindings,
      incidentsOpened: result.opened.length,
      incidentsResolved: result.resolved.length,
      seconds,
      ...(scanned.result.errors.length
        ? { errors: scanned.result.errors.slice(0, 5).map((e) => e.message) }
        : {}),
    })
    try {
      if (await notifier.afterScan(result, new Date())) loop?.kick()
    } catch (e) {
      log.error('notifications not planned (the next sweep plans them)', {
        cluster: target.name,
        error: errorMessage(e),
      })
    }
    return scanned.result.objects
  }

  const round = async () => {
    const started = Date.now()
    await syncSilences()
    let inv: { targets: ClusterTarget[]; errors: ScanError[] }
    try {
      inv = await opts.inventory()
    } catch (e) {
      log.error('inventory not read', { error: errorMessage(e) })
      return
    }
    for (const e of inv.errors) log.warn('inventory error', { source: e.source, error: e.message })
    // One scan at a time per cluster: a name the inventory gives twice is scanned once.
    const byName = new Map<string, ClusterTarget>()
    for (const t of inv.targets)
      if (byName.has(t.name))
        log.warn('cluster named twice in the inventory; scanning the first', {
          cluster: t.name,
          source: t.source,
        })
      else byName.set(t.name, t)
    const queue = [...byName.values()]
    // As `kubedac scan` does: many live clusters at once, few dumps, and fewer when big ones are met.
    const concurrency = opts.concurrency ?? defaultConcurrency(queue)
    const gate = admission(concurrency, opts.objectBudget ?? DEFAULT_OBJECT_BUDGET)
    const workers = Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, async () => {
      for (;;) {
        await gate.enter()
        const t = stopping ? undefined : queue.shift()
        if (!t) {
          gate.leave(undefined)
          return
        }
        let objects: number | undefined
        try {
          objects = await scanOne(t)
        } finally {
          gate.leave(objects)
        }
      }
    })
    await Promise.all(workers)
    try {
      if (await notifier.sweep(new Date())) loop?.kick()
    } catch (e) {
      log.error('notification sweep failed (retried next round)', { error: errorMessage(e) })
    }
    log.info('round finished', { clusters: byName.size, seconds: (Date.now() - started) / 1000 })
  }

  let stopping = false
  let loop: DeliveryLoop | undefined
  let app: FastifyInstance | undefined
  let address: { host: string; port: number } | undefined
  if (opts.listen) {
    app = createServer({
      store,
      detectors: opts.catalog,
      metrics,
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.silenceHorizonMs ? { silenceHorizonMs: opts.silenceHorizonMs } : {}),
      log,
      onSilencesChanged: () => {
        // A new or deleted silence changes what is quiet: plan again at once (a new silence only quiets).
        void notifier.sweep(new Date()).then(
          (n) => n && loop?.kick(),
          () => {},
        )
      },
    })
    await app.listen({ host: opts.listen.host, port: opts.listen.port })
    const a = app.server.address() as AddressInfo
    address = { host: a.address, port: a.port }
    log.info('listening', {
      address: a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`,
      auth: opts.token ? 'bearer' : 'none',
    })
  }

  let wake: (() => void) | undefined
  let timer: NodeJS.Timeout | undefined
  let triggered = false
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve
      timer = setTimeout(resolve, ms)
    }).finally(() => {
      clearTimeout(timer)
      wake = undefined
    })

  const flushOnce = async () => {
    // Deliver what is due now; messages waiting for a retry stay in the outbox for the next run.
    for (let i = 0; i < 1000; i++) {
      const r = await deliver(store, receivers, { ...deliveryOptions })
      if (r.claimed === 0) break
    }
    const stats = await store.outboxStats()
    if (stats.pending) log.warn('notifications left for a later run', { pending: stats.pending })
  }

  const done = (async (): Promise<boolean> => {
    if (opts.once) {
      await round()
      try {
        await flushOnce()
      } catch (e) {
        log.error('delivery failed', { error: errorMessage(e) })
        allRecorded = false
      }
      return allRecorded
    }
    loop = startDeliveryLoop(store, receivers, {
      ...deliveryOptions,
      intervalMs: opts.deliveryIntervalMs ?? 5000,
      onError: (e) => log.error('delivery round failed (retried)', { error: errorMessage(e) }),
    })
    while (!stopping) {
      triggered = false
      await round()
      if (stopping) break
      const j = opts.jitter ?? 0.1
      const wait = Math.max(0, Math.round(opts.intervalMs * (1 - j + 2 * j * random())))
      if (!triggered) await sleep(wait)
    }
    return allRecorded
  })()

  let stopped: Promise<void> | undefined
  return {
    ...(address ? { address } : {}),
    ...(app ? { app } : {}),
    metrics,
    done,
    trigger() {
      triggered = true
      wake?.()
    },
    stop() {
      return (stopped ??= (async () => {
        stopping = true
        wake?.()
        await done.catch(() => {})
        await loop?.stop()
        await app?.close()
        await store.close()
        log.info('stopped')
      })())
    },
  }
}
