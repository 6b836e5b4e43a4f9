/**
 * Notifications: incidents in, outbox messages planned (router), delivered at least once with
 * idempotent keys (deliver) to Alertmanager, Slack, generic webhooks and PagerDuty (receivers).
 */
export {
  notificationsSchema,
  parseDuration,
  parseNotifications,
  type NotificationsConfig,
  type NotificationsInput,
  type ReceiverConfig,
  type RouteConfig,
} from './config.js'
export {
  PAYLOAD_MEMBER_LIMIT,
  planNotifications,
  routeCluster,
  routeIncident,
  type ClusterLabels,
} from './router.js'
export {
  backoffDelay,
  deliver,
  DEFAULT_BACKOFF,
  startDeliveryLoop,
  type BackoffOptions,
  type DeliverOptions,
  type DeliveryLogEntry,
  type DeliveryLoop,
  type DeliveryLoopOptions,
  type DeliveryResult,
  type ReceiverCounts,
} from './deliver.js'
export { parseRetryAfter, redactor, safeEndpoint, type SendOutcome } from './http.js'
export { fromStoreIncident, type FromStoreOptions } from './from-store.js'
export {
  enqueueChanges,
  enqueueSweep,
  type EnqueueOptions,
  type EnqueueResult,
  type PlanningStore,
} from './enqueue.js'
export { readPayload } from './payload.js'
export * from './receivers/index.js'
export type * from './types.js'
