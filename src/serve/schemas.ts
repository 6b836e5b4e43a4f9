import { SEVERITIES } from '../core/types.js'

// JSON Schemas of the HTTP API. The same objects validate requests (fastify/Ajv), serialise
// answers, and make the OpenAPI document, so the document cannot drift from what the server does.

/** A JSON Schema (the subset the API uses). */
export type Schema = Record<string, unknown>

/** An object schema that refuses fields it does not name. */
export function object(
  properties: Record<string, Schema>,
  required: string[] = Object.keys(properties),
): Schema {
  return { type: 'object', properties, required, additionalProperties: false }
}

const nullable = (s: Schema): Schema => ({ ...s, type: [s.type as string, 'null'] })

/** An RFC 3339 time. */
export const dateTime: Schema = { type: 'string', format: 'date-time' }
const str = (maxLength = 2048): Schema => ({ type: 'string', maxLength })
const int: Schema = { type: 'integer' }
const bool: Schema = { type: 'boolean' }
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } }
const severity: Schema = { type: 'string', enum: [...SEVERITIES] }
const clusterStatus: Schema = { type: 'string', enum: ['scanned', 'partial', 'unreachable'] }

/** The body of every 4xx and 5xx answer. */
export const errorSchema: Schema = object(
  {
    error: {
      type: 'string',
      description: 'a short machine-readable code: validation, not_found, unauthorized…',
    },
    message: { type: 'string' },
    field: { type: 'string', description: 'the request field at fault, when one is' },
  },
  ['error', 'message'],
)

const objectRef = object(
  {
    apiVersion: str(),
    kind: str(),
    namespace: str(),
    name: str(),
    uid: str(),
  },
  ['apiVersion', 'kind', 'name'],
)

const scanError = object({ source: str(8192), code: str(), message: str(65536), line: int, column: int }, [
  'source',
  'message',
])

/** A cluster of the inventory. */
export const clusterSchema = object({
  name: str(),
  source: str(8192),
  labels: stringMap,
  firstSeen: dateTime,
  scans: int,
  lastScanAt: nullable(dateTime),
  lastScanId: nullable(int),
  lastStatus: { type: ['string', 'null'], enum: ['scanned', 'partial', 'unreachable', null] },
  lastError: nullable(str(65536)),
})

/** A cluster with its finding counts. */
export const clusterDetailSchema = object({
  ...(clusterSchema.properties as Record<string, Schema>),
  openFindings: { ...int, description: 'open findings not silenced now' },
  silencedFindings: { ...int, description: 'open findings silenced now (counted apart, never mixed)' },
})

/** One recorded scan of one cluster. */
export const scanSchema = object({
  id: int,
  cluster: str(),
  startedAt: dateTime,
  finishedAt: dateTime,
  status: clusterStatus,
  objects: int,
  findings: int,
  newFindings: int,
  reopenedFindings: int,
  resolvedFindings: int,
  errors: { type: 'array', items: scanError },
  detectorsRan: { type: 'array', items: str() },
  skipped: { type: 'array', items: str() },
})

const acknowledgement = nullable(object({ by: str(), at: dateTime, comment: nullable(str(65536)) }))

/** A finding with its history. */
export const findingSchema = object({
  fingerprint: str(),
  detector: str(),
  cluster: str(),
  object: objectRef,
  severity,
  category: str(),
  title: str(),
  messageId: str(),
  message: str(65536),
  evidence: { type: 'object', additionalProperties: true },
  remediation: str(65536),
  runbook: str(),
  cause: str(),
  fleetKey: nullable(str()),
  objectLabels: stringMap,
  state: { type: 'string', enum: ['open', 'resolved'] },
  isNew: bool,
  firstSeen: dateTime,
  lastSeen: dateTime,
  resolvedAt: nullable(dateTime),
  occurrences: int,
  reopenCount: int,
  incidentId: nullable(str()),
  acknowledgement,
  snoozedUntil: nullable(dateTime),
  snoozed: { ...bool, description: 'snoozed now' },
  silenced: { ...bool, description: 'silenced now, by silencedBy until silencedUntil' },
  silencedUntil: nullable(dateTime),
  silencedBy: nullable(str()),
})

/** An incident: findings grouped by root cause. */
export const incidentSchema = object({
  id: str(),
  kind: { type: 'string', enum: ['cluster', 'fleet'] },
  cluster: nullable(str()),
  cause: str(),
  detector: nullable(str()),
  title: str(65536),
  severity,
  peakSeverity: severity,
  state: { type: 'string', enum: ['open', 'resolved'] },
  openedAt: dateTime,
  updatedAt: dateTime,
  resolvedAt: nullable(dateTime),
  lastNotifiedAt: nullable(dateTime),
  members: int,
  clusters: int,
})

/** An incident with its member findings. */
export const incidentDetailSchema = object({
  ...(incidentSchema.properties as Record<string, Schema>),
  findings: { type: 'array', items: findingSchema },
  clusterNames: { type: 'array', items: str() },
})

const matcherValue: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: 1024,
  description: 'exact text, a glob with *, or ~regex (as in silences.yaml)',
}
const labelMatchers: Schema = { type: 'object', additionalProperties: matcherValue, maxProperties: 50 }

/** What a silence matches; every field given must match, and at least one must be given. */
export const silenceMatchersSchema: Schema = {
  ...object(
    {
      detector: matcherValue,
      cluster: matcherValue,
      namespace: { ...matcherValue, description: 'never matches a cluster-scoped finding' },
      clusterLabels: labelMatchers,
      objectLabels: labelMatchers,
    },
    [],
  ),
  minProperties: 1,
}

/** A silence. */
export const silenceSchema = object({
  id: str(),
  matchers: { type: 'object', additionalProperties: true },
  owner: str(),
  reason: str(65536),
  ticket: nullable(str()),
  createdBy: str(),
  createdAt: dateTime,
  expiresAt: nullable(dateTime),
  origin: { type: 'string', enum: ['file', 'api'] },
  active: { ...bool, description: 'silencing now (not expired)' },
})

/** The body of `POST /api/v1/silences`. */
export const silenceBodySchema = object(
  {
    matchers: silenceMatchersSchema,
    owner: { type: 'string', minLength: 1, maxLength: 253 },
    reason: { type: 'string', minLength: 1, maxLength: 4096 },
    ticket: { type: 'string', minLength: 1, maxLength: 2048 },
    createdBy: { type: 'string', minLength: 1, maxLength: 253 },
    expiresAt: {
      ...dateTime,
      description: 'required: a silence always ends (within the horizon, 90 days by default)',
    },
  },
  ['matchers', 'owner', 'reason', 'expiresAt'],
)

/** A detector of the catalogue. */
export const detectorSchema = object(
  {
    id: str(),
    title: str(),
    severity: { ...severity, description: 'as configured' },
    defaultSeverity: severity,
    category: str(),
    description: str(65536),
    runbook: str(),
    requires: { type: 'array', items: str() },
    enabled: bool,
  },
  ['id', 'title', 'severity', 'defaultSeverity', 'category', 'runbook', 'requires', 'enabled'],
)

/** A page of items. */
export function pageOf(item: Schema): Schema {
  return object({
    items: { type: 'array', items: item },
    total: { ...int, description: 'matching items, counted up to a limit (see totalExact)' },
    totalExact: {
      ...bool,
      description: 'false when more match than were counted: total is then a lower bound',
    },
    nextCursor: nullable(str(4096)),
  })
}

/** A list of items (not paginated: bounded by nature). */
export function listOf(item: Schema): Schema {
  return object({ items: { type: 'array', items: item } })
}

const nameParam: Schema = { type: 'string', minLength: 1, maxLength: 253 }

/** Path parameters: a cluster name. */
export const clusterParams = object({ name: nameParam })
/** Path parameters: a fingerprint. */
export const fingerprintParams = object({
  fingerprint: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' },
})
/** Path parameters: an id. */
export const idParams = object({ id: { type: 'string', minLength: 1, maxLength: 253 } })

/** `labels=team=a,env=prod`: clusters carrying all these labels. */
export const labelSelectorParam: Schema = {
  type: 'string',
  maxLength: 2048,
  pattern: '^[^=,]+=[^=,]*(,[^=,]+=[^=,]*)*$',
  description: 'cluster labels, all required: key=value[,key=value…]',
}

const limit: Schema = { type: 'integer', minimum: 1, maximum: 1000, default: 100 }
const cursor: Schema = { type: 'string', minLength: 1, maxLength: 4096 }
const stringArray = (max = 253): Schema => ({
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: max },
  maxItems: 100,
  description: 'repeat the parameter for several values',
})

/** Sortable finding fields; a leading `-` sorts descending. */
export const FINDING_SORTS = ['lastSeen', 'firstSeen', 'severity', 'cluster', 'detector'] as const

/** Query of `GET /api/v1/findings`. */
export const findingsQuery = object(
  {
    cluster: stringArray(),
    labels: labelSelectorParam,
    detector: stringArray(),
    severity: { type: 'array', items: severity, maxItems: 3, description: 'repeat for several' },
    state: { type: 'string', enum: ['open', 'resolved'] },
    namespace: {
      ...stringArray(),
      description: 'repeat for several; an empty value selects cluster-scoped objects',
    },
    silenced: bool,
    acknowledged: bool,
    snoozed: bool,
    incident: { type: 'string', minLength: 1, maxLength: 253 },
    sort: { type: 'string', enum: FINDING_SORTS.flatMap((f) => [f, `-${f}`]), default: '-lastSeen' },
    limit,
    cursor,
  },
  [],
)

/** Query of `GET /api/v1/scans`. */
export const scansQuery = object(
  {
    cluster: nameParam,
    limit,
    before: { type: 'integer', minimum: 1, description: 'scans with ids below this (the next page)' },
  },
  [],
)

/** Query of `GET /api/v1/clusters`. */
export const clustersQuery = object({ labels: labelSelectorParam }, [])

/** Query of `GET /api/v1/incidents`. */
export const incidentsQuery = object(
  {
    state: { type: 'string', enum: ['open', 'resolved'] },
    kind: { type: 'string', enum: ['cluster', 'fleet'] },
    cluster: nameParam,
    severity: { type: 'array', items: severity, maxItems: 3 },
    limit,
    cursor: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'nextCursor of the previous page' },
  },
  [],
)

/** Query of `GET /api/v1/incidents/:id`. */
export const incidentQuery = object(
  { members: { type: 'integer', minimum: 0, maximum: 1000, default: 100 } },
  [],
)

/** Query of `GET /api/v1/silences`. */
export const silencesQuery = object(
  {
    active: { ...bool, description: 'only silences in force now (true) or expired (false)' },
    expiringWithin: {
      type: 'string',
      pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$',
      description: 'only active silences expiring within this duration (24h, 7d)',
    },
    origin: { type: 'string', enum: ['file', 'api'] },
  },
  [],
)

/** Body of `POST /api/v1/findings/:fingerprint/ack`. */
export const ackBody = object(
  {
    by: { type: 'string', minLength: 1, maxLength: 253 },
    comment: { type: 'string', maxLength: 4096 },
  },
  ['by'],
)

/** Body of `POST /api/v1/findings/:fingerprint/snooze`. */
export const snoozeBody = object(
  { until: { type: ['string', 'null'], format: 'date-time', description: 'null ends the snooze' } },
  ['until'],
)
