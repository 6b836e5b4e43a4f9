import { VERSION } from '../cli/context.js'
import type { RouteSpec } from './server.js'
import { errorSchema, type Schema } from './schemas.js'

// The OpenAPI 3.1 document is written from the route table: the schemas that validate requests
// are the ones it publishes, so it cannot say something the server does not do.

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  400: 'Invalid request: {error, message, field}',
  401: 'Missing or wrong bearer token',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body larger than the limit',
  415: 'Body is not JSON',
  500: 'Internal error (logged)',
  503: 'The store is unavailable',
}

/** Replaces the server's shared-schema references (`Error#`) by OpenAPI component references. */
function refs(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(refs)
  if (s === null || typeof s !== 'object') return s
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(s))
    out[k] = k === '$ref' && v === 'Error#' ? '#/components/schemas/Error' : refs(v)
  return out
}

/** `/api/v1/findings/:fingerprint` → `/api/v1/findings/{fingerprint}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
}

function parameters(where: 'path' | 'query', schema: Schema | undefined): unknown[] {
  if (!schema) return []
  const props = (schema.properties ?? {}) as Record<string, Schema>
  const required = new Set((schema.required ?? []) as string[])
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s
    const array = rest.type === 'array'
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: refs(rest),
      ...(array ? { style: 'form', explode: true } : {}),
    }
  })
}

/** The OpenAPI 3.1 document of the routes. */
export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  const secured = routes.some((r) => !r.public)
  for (const r of routes) {
    const responses: Record<string, unknown> = {}
    // Any route that reads the store answers 503 while it is down, and 500 on a bug.
    const all =
      r.public && r.url === '/healthz'
        ? r.schema.response
        : { ...r.schema.response, 500: { $ref: 'Error#' }, 503: { $ref: 'Error#' } }
    for (const [code, schema] of Object.entries(all)) {
      const status = Number(code)
      const description = REASONS[status] ?? 'Answer'
      if (status === 204) {
        responses[code] = { description }
        continue
      }
      const type = status < 300 && r.produces ? r.produces : 'application/json'
      responses[code] = { description, content: { [type]: { schema: refs(schema) } } }
    }
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${openApiPath(r.url)
        .split('/')
        .filter(Boolean)
        .map((p) => p.replace(/[{}]/g, '').replace(/^./, (c) => c.toUpperCase()))
        .join('')
        .replace(/[^A-Za-z0-9]/g, '')}`,
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parameters('path', r.schema.params), ...parameters('query', r.schema.querystring)],
      ...(r.schema.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: refs(r.schema.body) } } },
          }
        : {}),
      responses,
      ...(r.public ? { security: [] } : {}),
    }
    ;(paths[openApiPath(r.url)] ??= {})[r.method.toLowerCase()] = op
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'kubedac findings service',
      version: VERSION,
      description:
        'History, incidents, silences and acknowledgements of kubedac findings. Errors answer {error, message, field?}. ' +
        'When the server has a token, every route but /healthz and /readyz needs Authorization: Bearer <token>.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    paths,
    components: {
      schemas: { Error: errorSchema },
      ...(secured ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : {}),
    },
    ...(secured ? { security: [{ bearer: [] }] } : {}),
  }
}
