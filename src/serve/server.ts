import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifySchema,
} from 'fastify'
import { KubedacError } from '../core/errors.js'
import type { Severity } from '../core/types.js'
import { parseDuration } from '../notify/config.js'
import type { FindingFilter, FindingSortField, Store } from '../store/types.js'
import {
  clusterDto,
  findingDto,
  incidentDetailDto,
  incidentDto,
  scanDto,
  silenceDto,
  type DetectorInfo,
} from './dto.js'
import { bearerMatches } from './listen.js'
import { silentLogger, type Logger } from './log.js'
import type { Metrics } from './metrics.js'
import { openApiDocument } from './openapi.js'
import { checkApiSilence } from './silences.js'
import * as S from './schemas.js'

/** The most items one page may hold (the store's limit too). */
export const MAX_PAGE = 1000

/** What the HTTP API needs. */
export interface ServerDeps {
  store: Store
  /** The detector catalogue (GET /api/v1/detectors). */
  detectors: DetectorInfo[]
  metrics: Metrics
  /** The bearer token; when set, every route but /healthz and /readyz requires it. */
  token?: string
  log?: Logger
  now?: () => Date
  /** Largest request body in bytes (default 1 MiB); larger is 413. */
  bodyLimit?: number
  /** How long /readyz waits for the store (default 2 s). */
  readyTimeoutMs?: number
  /** Called after a silence is created or deleted through the API. */
  onSilencesChanged?: () => void
  /** The longest a silence may run (default 90 days), as for silences.yaml. */
  silenceHorizonMs?: number
}

/** One route of the API: its schema feeds validation, serialisation and the OpenAPI document alike. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE'
  url: string
  summary: string
  tag: string
  /** Open without the token (probes). */
  public?: boolean
  /** The content type of a successful answer, when not JSON. */
  produces?: string
  schema: {
    params?: S.Schema
    querystring?: S.Schema
    body?: S.Schema
    response: Record<number, S.Schema>
  }
  // A method, so that each route may type its request (parameters are checked bivariantly).
  handler(req: FastifyRequest, reply: FastifyReply): Promise<unknown>
}

/** An error with the HTTP status and body the API answers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

const ERR = { $ref: 'Error#' }
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ERR]))

/** Parses `team=a,env=prod` (already shape-checked by the schema). */
export function parseLabelSelector(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined
  const out: Record<string, string> = {}
  for (const part of text.split(',')) {
    const i = part.indexOf('=')
    const key = part.slice(0, i).trim()
    if (!key) throw new ApiError(400, 'validation', `labels: ${JSON.stringify(part)} has no key`, 'labels')
    out[key] = part.slice(i + 1).trim()
  }
  return out
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** The routes of the API, built over its dependencies. */
export function apiRoutes(deps: ServerDeps): RouteSpec[] {
  const { store } = deps
  const now = deps.now ?? (() => new Date())
  const readyTimeout = deps.readyTimeoutMs ?? 2000
  const notFound = (what: string): never => {
    throw new ApiError(404, 'not_found', `${what} not found`)
  }
  const known = new Set(deps.detectors.map((d) => d.id))

  type Q<T> = FastifyRequest<{ Querystring: T }>
  type P<T, B = unknown, Qs = unknown> = FastifyRequest<{ Params: T; Body: B; Querystring: Qs }>

  let doc: unknown
  const routes: RouteSpec[] = [
    {
      method: 'GET',
      url: '/healthz',
      summary: 'The process is up',
      tag: 'probes',
      public: true,
      schema: { response: { 200: S.object({ status: { type: 'string', enum: ['ok'] } }) } },
      handler: async () => ({ status: 'ok' }),
    },
    {
      method: 'GET',
      url: '/readyz',
      summary: 'The store answers (503 when it does not)',
      tag: 'probes',
      public: true,
      schema: {
        response: {
          200: S.object({ status: { type: 'string', enum: ['ready'] } }),
          503: ERR,
        },
      },
      handler: async () => {
        let ok = false
        let why = 'the store did not answer'
        try {
          ok = await withTimeout(store.ping(), readyTimeout, 'the store')
        } catch (e) {
          why = e instanceof Error ? e.message : String(e)
        }
        if (!ok) throw new ApiError(503, 'unavailable', `not ready: ${why}`)
        return { status: 'ready' }
      },
    },
    {
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics',
      tag: 'probes',
      produces: 'text/plain',
      schema: { response: { 200: { type: 'string' }, ...errors(401) } },
      handler: async (_req, reply) => {
        const text = await deps.metrics.registry.metrics()
        reply.type(deps.metrics.registry.contentType)
        return text
      },
    },
    {
      method: 'GET',
      url: '/openapi.json',
      summary: 'This document',
      tag: 'meta',
      schema: { response: { 200: { type: 'object', additionalProperties: true }, ...errors(401) } },
      handler: async () => (doc ??= openApiDocument(routes)),
    },
    {
      method: 'GET',
      url: '/api/v1/clusters',
      summary: 'Clusters of the inventory with their last scan',
      tag: 'clusters',
      schema: {
        querystring: S.clustersQuery,
        response: { 200: S.listOf(S.clusterSchema), ...errors(400, 401) },
      },
      handler: async (req: Q<{ labels?: string }>) => {
        const labels = parseLabelSelector(req.query.labels)
        const items = await store.listClusters(labels ? { labels } : {})
        return { items: items.map(clusterDto) }
      },
    },
    {
      method: 'GET',
      url: '/api/v1/clusters/:name',
      summary: 'One cluster, with its open and silenced finding counts',
      tag: 'clusters',
      schema: { params: S.clusterParams, response: { 200: S.clusterDetailSchema, ...errors(400, 401, 404) } },
      handler: async (req: P<{ name: string }>) => {
        const c =
          (await store.getCluster(req.params.name)) ?? notFound(`cluster ${JSON.stringify(req.params.name)}`)
        const at = now()
        const count = async (silenced: boolean) =>
          (
            await store.listFindings({ cluster: c.name, state: 'open', silenced, now: at }, undefined, {
              limit: 1,
            })
          ).total
        const [openFindings, silencedFindings] = await Promise.all([count(false), count(true)])
        return { ...clusterDto(c), openFindings, silencedFindings }
      },
    },
    {
      method: 'GET',
      url: '/api/v1/scans',
      summary: 'Recorded scans, newest first',
      tag: 'scans',
      schema: {
        querystring: S.scansQuery,
        response: {
          200: S.object({
            items: { type: 'array', items: S.scanSchema },
            nextBefore: { type: ['integer', 'null'] },
          }),
          ...errors(400, 401),
        },
      },
      handler: async (req: Q<{ cluster?: string; limit: number; before?: number }>) => {
        const { cluster, limit, before } = req.query
        // One more than asked tells whether there is a next page (within the store's page limit).
        const ask = Math.min(limit + 1, MAX_PAGE)
        const items = await store.listScans({
          ...(cluster !== undefined ? { cluster } : {}),
          limit: ask,
          ...(before !== undefined ? { beforeId: before } : {}),
        })
        const page = items.slice(0, limit)
        const more = ask > limit ? items.length > limit : items.length === limit
        return {
          items: page.map(scanDto),
          nextBefore: more && page.length ? page[page.length - 1]!.id : null,
        }
      },
    },
    {
      method: 'GET',
      url: '/api/v1/findings',
      summary: 'Findings, filtered, sorted and paginated (pass nextCursor as cursor for the next page)',
      tag: 'findings',
      schema: {
        querystring: S.findingsQuery,
        response: { 200: S.pageOf(S.findingSchema), ...errors(400, 401) },
      },
      handler: async (
        req: Q<{
          cluster?: string[]
          labels?: string
          detector?: string[]
          severity?: Severity[]
          state?: 'open' | 'resolved'
          namespace?: string[]
          silenced?: boolean
          acknowledged?: boolean
          snoozed?: boolean
          incident?: string
          sort: string
          limit: number
          cursor?: string
        }>,
      ) => {
        const q = req.query
        const at = now()
        const labels = parseLabelSelector(q.labels)
        const filter: FindingFilter = {
          now: at,
          ...(q.cluster ? { cluster: q.cluster } : {}),
          ...(labels ? { clusterLabels: labels } : {}),
          ...(q.detector ? { detector: q.detector } : {}),
          ...(q.severity ? { severity: q.severity } : {}),
          ...(q.state ? { state: q.state } : {}),
          ...(q.namespace ? { namespace: q.namespace } : {}),
          ...(q.silenced !== undefined ? { silenced: q.silenced } : {}),
          ...(q.acknowledged !== undefined ? { acknowledged: q.acknowledged } : {}),
          ...(q.snoozed !== undefined ? { snoozed: q.snoozed } : {}),
          ...(q.incident !== undefined ? { incidentId: q.incident } : {}),
        }
        const desc = q.sort.startsWith('-')
        const field = (desc ? q.sort.slice(1) : q.sort) as FindingSortField
        const page = await store.listFindings(
          filter,
          { field, dir: desc ? 'desc' : 'asc' },
          { limit: q.limit, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) },
        )
        return {
          items: page.items.map((f) => findingDto(f, at)),
          total: page.total,
          totalExact: page.totalExact,
          nextCursor: page.nextCursor,
        }
      },
    },
    {
      method: 'GET',
      url: '/api/v1/findings/:fingerprint',
      summary: 'One finding with its history',
      tag: 'findings',
      schema: { params: S.fingerprintParams, response: { 200: S.findingSchema, ...errors(400, 401, 404) } },
      handler: async (req: P<{ fingerprint: string }>) => {
        const f =
          (await store.getFinding(req.params.fingerprint)) ?? notFound(`finding ${req.params.fingerprint}`)
        return findingDto(f, now())
      },
    },
    {
      method: 'POST',
      url: '/api/v1/findings/:fingerprint/ack',
      summary: 'Acknowledge a finding (who, and why)',
      tag: 'findings',
      schema: {
        params: S.fingerprintParams,
        body: S.ackBody,
        response: { 200: S.findingSchema, ...errors(400, 401, 404, 413, 415) },
      },
      handler: async (req: P<{ fingerprint: string }, { by: string; comment?: string }>) => {
        const fp = req.params.fingerprint
        if (!(await store.getFinding(fp))) notFound(`finding ${fp}`)
        const at = now()
        const f = await store.acknowledge(fp, { by: req.body.by, comment: req.body.comment ?? null, at })
        return findingDto(f, at)
      },
    },
    {
      method: 'DELETE',
      url: '/api/v1/findings/:fingerprint/ack',
      summary: 'Remove the acknowledgement of a finding',
      tag: 'findings',
      schema: { params: S.fingerprintParams, response: { 200: S.findingSchema, ...errors(400, 401, 404) } },
      handler: async (req: P<{ fingerprint: string }>) => {
        const fp = req.params.fingerprint
        if (!(await store.getFinding(fp))) notFound(`finding ${fp}`)
        return findingDto(await store.unacknowledge(fp), now())
      },
    },
    {
      method: 'POST',
      url: '/api/v1/findings/:fingerprint/snooze',
      summary: 'Snooze a finding until a time (null ends the snooze)',
      tag: 'findings',
      schema: {
        params: S.fingerprintParams,
        body: S.snoozeBody,
        response: { 200: S.findingSchema, ...errors(400, 401, 404, 413, 415) },
      },
      handler: async (req: P<{ fingerprint: string }, { until: string | null }>) => {
        const fp = req.params.fingerprint
        const at = now()
        const until = req.body.until === null ? null : new Date(req.body.until)
        if (until !== null && until.getTime() <= at.getTime())
          throw new ApiError(400, 'validation', 'until must be in the future (null ends the snooze)', 'until')
        if (!(await store.getFinding(fp))) notFound(`finding ${fp}`)
        return findingDto(await store.snooze(fp, until), at)
      },
    },
    {
      method: 'GET',
      url: '/api/v1/incidents',
      summary: 'Incidents: findings grouped by root cause, in a cluster or across the fleet',
      tag: 'incidents',
      schema: {
        querystring: S.incidentsQuery,
        response: { 200: S.pageOf(S.incidentSchema), ...errors(400, 401) },
      },
      handler: async (
        req: Q<{
          state?: 'open' | 'resolved'
          kind?: 'cluster' | 'fleet'
          cluster?: string
          severity?: Severity[]
          limit: number
          cursor?: string
        }>,
      ) => {
        const { limit, cursor, ...filter } = req.query
        const offset = cursor === undefined ? 0 : Number(cursor)
        const page = await store.listIncidents(filter, { limit, offset })
        return {
          items: page.items.map(incidentDto),
          total: page.total,
          totalExact: page.totalExact,
          nextCursor: page.nextCursor,
        }
      },
    },
    {
      method: 'GET',
      url: '/api/v1/incidents/:id',
      summary: 'One incident with its member findings',
      tag: 'incidents',
      schema: {
        params: S.idParams,
        querystring: S.incidentQuery,
        response: { 200: S.incidentDetailSchema, ...errors(400, 401, 404) },
      },
      handler: async (req: P<{ id: string }, unknown, { members: number }>) => {
        const i =
          (await store.getIncident(req.params.id, { memberLimit: req.query.members })) ??
          notFound(`incident ${JSON.stringify(req.params.id)}`)
        return incidentDetailDto(i, now())
      },
    },
    {
      method: 'GET',
      url: '/api/v1/silences',
      summary: 'Silences (from silences.yaml and the API)',
      tag: 'silences',
      schema: {
        querystring: S.silencesQuery,
        response: { 200: S.listOf(S.silenceSchema), ...errors(400, 401) },
      },
      handler: async (req: Q<{ active?: boolean; expiringWithin?: string; origin?: 'file' | 'api' }>) => {
        const at = now()
        const q = req.query
        let within: number | undefined
        if (q.expiringWithin !== undefined) {
          within = parseDuration(q.expiringWithin)
          if (within === undefined)
            throw new ApiError(
              400,
              'validation',
              'expiringWithin: expected a duration such as 24h',
              'expiringWithin',
            )
        }
        const list = await store.listSilences({
          ...(q.origin ? { origin: q.origin } : {}),
          ...(q.active === true || within !== undefined ? { activeAt: at } : {}),
          ...(within !== undefined ? { expiringBefore: new Date(at.getTime() + within) } : {}),
        })
        const items = list
          .map((s) => silenceDto(s, at))
          .filter((s) => q.active === undefined || s.active === q.active)
        return { items }
      },
    },
    {
      method: 'POST',
      url: '/api/v1/silences',
      summary: 'Create a silence (it must end: expiresAt is required)',
      tag: 'silences',
      schema: {
        body: S.silenceBodySchema,
        response: { 201: S.silenceSchema, ...errors(400, 401, 413, 415) },
      },
      handler: async (
        req: FastifyRequest<{
          Body: {
            matchers: Record<string, unknown>
            owner: string
            reason: string
            ticket?: string
            createdBy?: string
            expiresAt: string
          }
        }>,
        reply,
      ) => {
        const b = req.body
        const at = now()
        if (new Date(b.expiresAt).getTime() <= at.getTime())
          throw new ApiError(400, 'validation', 'expiresAt must be in the future', 'expiresAt')
        const { createdBy, ...silence } = b
        const checked = checkApiSilence(silence, known, deps.silenceHorizonMs, at)
        if (!('silence' in checked)) throw new ApiError(400, 'validation', checked.message, checked.field)
        const v = checked.silence
        const s = await store.createSilence(
          {
            matchers: v.matchers,
            owner: v.owner,
            reason: v.reason,
            ticket: v.ticket ?? null,
            createdBy: createdBy ?? 'api',
            expiresAt: new Date(v.expiresAt),
          },
          at,
        )
        deps.onSilencesChanged?.()
        reply.code(201)
        return silenceDto(s, at)
      },
    },
    {
      method: 'GET',
      url: '/api/v1/silences/:id',
      summary: 'One silence',
      tag: 'silences',
      schema: { params: S.idParams, response: { 200: S.silenceSchema, ...errors(400, 401, 404) } },
      handler: async (req: P<{ id: string }>) => {
        const s =
          (await store.getSilence(req.params.id)) ?? notFound(`silence ${JSON.stringify(req.params.id)}`)
        return silenceDto(s, now())
      },
    },
    {
      method: 'DELETE',
      url: '/api/v1/silences/:id',
      summary: 'Delete a silence made through the API (those of silences.yaml are removed from the file)',
      tag: 'silences',
      schema: {
        params: S.idParams,
        response: { 204: { type: 'null' }, ...errors(400, 401, 404, 409) },
      },
      handler: async (req: P<{ id: string }>, reply) => {
        const s =
          (await store.getSilence(req.params.id)) ?? notFound(`silence ${JSON.stringify(req.params.id)}`)
        if (s.origin === 'file')
          throw new ApiError(
            409,
            'conflict',
            `silence ${JSON.stringify(s.id)} comes from silences.yaml: remove it there (the file is the source of truth)`,
          )
        await store.deleteSilence(s.id, now())
        deps.onSilencesChanged?.()
        reply.code(204)
        return null
      },
    },
    {
      method: 'GET',
      url: '/api/v1/detectors',
      summary: 'The detector catalogue with its metadata',
      tag: 'detectors',
      schema: { response: { 200: S.listOf(S.detectorSchema), ...errors(401) } },
      handler: async () => ({ items: deps.detectors }),
    },
  ]
  return routes
}

/**
 * The first place where a JSON value's type differs from the schema's (`owner` given as 42 where a
 * string is expected). Ajv coerces types to make query strings work; a body is JSON and must say
 * what it means, so its types are checked as they are, before Ajv sees them.
 */
export function typeMismatch(
  schema: S.Schema,
  value: unknown,
  path: string[] = [],
): { field: string; message: string } | undefined {
  const jsonType = (v: unknown) =>
    v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf as S.Schema[]
    const misses = branches.map((b) => typeMismatch(b, value, path))
    return misses.every(Boolean) ? misses[0] : undefined
  }
  if (schema.type !== undefined) {
    const allowed = [schema.type].flat() as string[]
    const t = jsonType(value)
    const ok = allowed.includes(t) || (t === 'integer' && allowed.includes('number'))
    if (!ok) {
      const field = path.join('.')
      return {
        field,
        message: `body${field ? ` field ${JSON.stringify(field)}` : ''}: must be ${allowed.join(' or ')}, not ${t}`,
      }
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const props = (schema.properties ?? {}) as Record<string, S.Schema>
    const extra =
      typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as S.Schema) : undefined
    for (const [k, v] of Object.entries(value)) {
      const sub = props[k] ?? extra
      const miss = sub && typeMismatch(sub, v, [...path, k])
      if (miss) return miss
    }
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === 'object')
    for (const [i, v] of value.entries()) {
      const miss = typeMismatch(schema.items as S.Schema, v, [...path, String(i)])
      if (miss) return miss
    }
  return undefined
}

/** The field at fault in an Ajv error, as a dotted path (`matchers.detector`, `limit`). */
function fieldOf(v: { instancePath?: string; params?: Record<string, unknown> }): string | undefined {
  const parts = (v.instancePath ?? '').split('/').filter(Boolean)
  const extra = v.params?.additionalProperty ?? v.params?.missingProperty
  if (typeof extra === 'string') parts.push(extra)
  return parts.length ? parts.join('.') : undefined
}

/**
 * Builds the API server (not listening: call `listen`, or `inject` in tests). Every route
 * validates its input against a JSON Schema that refuses unknown fields; bodies over the limit are
 * 413; errors answer `{error, message, field?}`; with a token, every route but the probes requires
 * `Authorization: Bearer <token>`.
 */
export function createServer(deps: ServerDeps): FastifyInstance {
  const log = deps.log ?? silentLogger
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    // Unknown fields are errors, not silently dropped (Fastify's default removes them).
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    routerOptions: { maxParamLength: 512 },
    return503OnClosing: true,
  })
  app.addSchema({ $id: 'Error', ...S.errorSchema })
  const routes = apiRoutes(deps)
  const publicPaths = new Set(routes.filter((r) => r.public).map((r) => r.url))

  app.addHook('onRequest', async (req, reply) => {
    if (deps.token === undefined) return
    if (publicPaths.has(req.routeOptions.url ?? '')) return
    if (!bearerMatches(req.headers.authorization, deps.token)) {
      reply.header('www-authenticate', 'Bearer realm="kubedac"')
      throw new ApiError(401, 'unauthorized', 'a bearer token is required: Authorization: Bearer <token>')
    }
  })
  // The API speaks JSON only: a text body is 415, not a string to coerce.
  app.removeContentTypeParser('text/plain')
  const bodySchemas = new Map(
    routes.filter((r) => r.schema.body).map((r) => [`${r.method} ${r.url}`, r.schema.body!]),
  )
  app.addHook('preValidation', async (req) => {
    const schema = bodySchemas.get(`${req.method} ${req.routeOptions.url ?? ''}`)
    if (!schema) return
    const miss = typeMismatch(schema, req.body)
    if (miss) throw new ApiError(400, 'validation', miss.message, miss.field || undefined)
  })
  app.addHook('onResponse', async (req, reply) => {
    log.debug('request', {
      method: req.method,
      route: req.routeOptions.url ?? 'unknown',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    })
  })

  app.setErrorHandler(
    async (err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
      if (err instanceof ApiError) {
        return reply
          .code(err.status)
          .send({ error: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) })
      }
      if (Array.isArray(err.validation) && err.validation.length) {
        const v = err.validation[0] as {
          instancePath?: string
          params?: Record<string, unknown>
          message?: string
        }
        const where = (err as { validationContext?: string }).validationContext ?? 'request'
        const field = fieldOf(v)
        const additional = v.params?.additionalProperty
        const message =
          typeof additional === 'string'
            ? `${where}: unknown field ${JSON.stringify(fieldOf(v))}`
            : `${where}${field ? ` field ${JSON.stringify(field)}` : ''}: ${v.message ?? 'is invalid'}` +
              (Array.isArray(v.params?.allowedValues)
                ? ` (${(v.params.allowedValues as unknown[]).join(', ')})`
                : '')
        return reply.code(400).send({ error: 'validation', message, ...(field ? { field } : {}) })
      }
      if (err instanceof KubedacError) {
        if (err.code === 'KDAC_E_NOT_FOUND')
          return reply.code(404).send({ error: 'not_found', message: err.message })
        if (err.code === 'KDAC_E_STORE_INPUT')
          return reply.code(400).send({ error: 'validation', message: err.message })
      }
      const status = err.statusCode ?? 500
      if (status === 413)
        return reply.code(413).send({
          error: 'payload_too_large',
          message: `the request body is larger than ${deps.bodyLimit ?? 1024 * 1024} bytes`,
        })
      if (status === 415)
        return reply
          .code(415)
          .send({ error: 'unsupported_media_type', message: 'send JSON (Content-Type: application/json)' })
      if (status >= 400 && status < 500) {
        const json =
          err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
          err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
          err instanceof SyntaxError
        return reply.code(status).send({
          error: json ? 'bad_json' : 'bad_request',
          message: json ? `the body is not valid JSON: ${err.message}` : err.message,
        })
      }
      // A store that does not answer is an outage, not a bug: 503, as /readyz says.
      const up = await withTimeout(deps.store.ping(), deps.readyTimeoutMs ?? 2000, 'the store').catch(
        () => false,
      )
      if (!up) {
        log.warn('request failed: the store is unavailable', {
          method: req.method,
          route: req.routeOptions.url ?? 'unknown',
        })
        return reply
          .code(503)
          .send({ error: 'unavailable', message: 'the store is unavailable; try again later' })
      }
      log.error('request failed', {
        method: req.method,
        route: req.routeOptions.url ?? 'unknown',
        error: err,
      })
      return reply.code(500).send({ error: 'internal', message: 'internal error (see the server log)' })
    },
  )
  app.setNotFoundHandler(async (req, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }),
  )

  for (const r of routes) {
    // A text answer is sent as it is, not serialised as a JSON string.
    const { response, ...input } = r.schema
    const schema: FastifySchema = { ...input, ...(r.produces ? {} : { response }) }
    app.route({ method: r.method, url: r.url, schema, handler: r.handler })
  }
  return app
}
