/** The findings service's store: history, incidents, silences and the notification outbox. */
export { openStore, isPostgresUrl, redactUrl, dropPostgresSchema } from './open.js'
export type { OpenStoreOptions } from './open.js'
export type * from './types.js'
export { NOTIFICATION_EVENTS } from './outbox.js'
export { silenceMatches } from './silencing.js'
export type { SilenceTarget } from './silencing.js'
