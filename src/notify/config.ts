import { z } from 'zod'
import { KubedacError } from '../core/errors.js'
import { SEVERITIES, type Severity } from '../core/types.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/

/** Parses a duration such as `500ms`, `30s`, `5m`, `4h`, `1h30m` or `2d` into milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined
  let ms = 0
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(m[1]) * UNITS[m[2]!]!
  return ms > 0 ? Math.round(ms) : undefined
}

const duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, {
    message: 'expected a duration such as 30s, 5m, 4h or 1h30m',
  })
  .transform((s) => parseDuration(s)!)

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]])
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected the name of an environment variable' })
const httpUrl = z.string().refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), {
  message: 'expected an http:// or https:// URL',
})
// A header value is text, or the name of an environment variable holding it (for tokens).
const headers = z.record(z.string(), z.union([z.string(), z.object({ env: envName }).strict()]))
const receiverName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: 'expected a name of letters, digits, _ . -' })

// Secrets never sit in the config file (it is read, copied and logged): a field for one is an error that says where it goes.
const inlineSecret = (field: string) =>
  z
    .never({
      error: `secrets are not written in the config: put it in an environment variable and name that in ${field}`,
    })
    .optional()

const common = {
  name: receiverName,
  /** Per-request timeout (default 10s). */
  timeout: duration.optional(),
  headers: headers.optional(),
}

const alertmanager = z
  .object({
    ...common,
    type: z.literal('alertmanager'),
    /** Alertmanager's base URL (the API is at `{url}/api/v2/alerts`). */
    url: httpUrl,
    /**
     * How often open incidents are posted again (default 1h). Alertmanager resolves an alert whose
     * `endsAt` has passed, so firing alerts carry `endsAt` = now + 3 × refresh and are refreshed.
     */
    refresh: duration.default(3_600_000),
  })
  .strict()

const slack = z
  .object({
    ...common,
    type: z.literal('slack'),
    /** The incoming-webhook URL. It is a secret: prefer `urlEnv`. */
    url: httpUrl.optional(),
    urlEnv: envName.optional(),
  })
  .strict()
  .refine((r) => (r.url === undefined) !== (r.urlEnv === undefined), {
    message: 'a slack receiver needs exactly one of url and urlEnv',
    path: ['url'],
  })

const webhook = z
  .object({
    ...common,
    type: z.literal('webhook'),
    url: httpUrl,
    /** The environment variable holding the HMAC-SHA256 signing secret (never the secret itself). */
    secretEnv: envName.optional(),
    secret: inlineSecret('secretEnv'),
  })
  .strict()

const pagerduty = z
  .object({
    ...common,
    type: z.literal('pagerduty'),
    /** The Events API v2 base URL (events go to `{url}/v2/enqueue`). */
    url: httpUrl.default('https://events.pagerduty.com'),
    /** The environment variable holding the integration's routing key. */
    routingKeyEnv: envName,
    routingKey: inlineSecret('routingKeyEnv'),
    /** `payload.source` (default: the cluster name, or `kubedac` for fleet incidents). */
    source: z.string().optional(),
  })
  .strict()

const receiver = z.discriminatedUnion('type', [alertmanager, slack, webhook, pagerduty])

const route = z
  .object({
    /** Cluster labels to match (`team: payments`); a list matches any of its values, `*` is a wildcard; `cluster` matches the name. */
    match: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).default({}),
    receivers: z.array(receiverName).min(1),
    /** Keep evaluating the routes after this one matched. */
    continue: z.boolean().default(false),
    minSeverity: severity.optional(),
  })
  .strict()

/** The schema of `notifications:` in kubedac.yaml. */
export const notificationsSchema = z
  .object({
    receivers: z.array(receiver).default([]),
    /** Evaluated in order; the first match wins unless it says `continue: true`. */
    routes: z.array(route).default([]),
    /** Receivers for incidents that no route matched. */
    defaultReceivers: z.array(receiverName).default([]),
    /** Incidents below this severity are not notified unless a route lowers it (default warning: info never pages). */
    minSeverity: severity.default('warning'),
    /** Critical incidents still open are notified again this long after opening, and every interval after. */
    resendInterval: duration.default(4 * 3_600_000),
    delivery: z
      .object({
        maxAttempts: z.number().int().min(1).max(1000).default(12),
        initialBackoff: duration.default(10_000),
        maxBackoff: duration.default(3_600_000),
      })
      .strict()
      .default({ maxAttempts: 12, initialBackoff: 10_000, maxBackoff: 3_600_000 }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const names = new Set<string>()
    cfg.receivers.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['receivers', i, 'name'],
          message: `duplicate receiver name ${JSON.stringify(r.name)}`,
        })
      names.add(r.name)
    })
    const known = (name: string, path: (string | number)[]) => {
      if (!names.has(name))
        ctx.addIssue({
          code: 'custom',
          path,
          message: `unknown receiver ${JSON.stringify(name)} (known: ${[...names].join(', ') || 'none'})`,
        })
    }
    cfg.routes.forEach((r, i) => r.receivers.forEach((n, j) => known(n, ['routes', i, 'receivers', j])))
    cfg.defaultReceivers.forEach((n, j) => known(n, ['defaultReceivers', j]))
  })

/** `notifications:` as written in kubedac.yaml. */
export type NotificationsInput = z.input<typeof notificationsSchema>
/** Validated notification settings, durations in milliseconds, defaults applied. */
export type NotificationsConfig = z.output<typeof notificationsSchema>
/** One receiver's validated settings. */
export type ReceiverConfig = NotificationsConfig['receivers'][number]
/** One route's validated settings. */
export type RouteConfig = NotificationsConfig['routes'][number]

/** Validates `notifications:` settings given as data; errors name the field (`notifications.routes.0.receivers.1`). */
export function parseNotifications(raw: unknown): NotificationsConfig {
  const parsed = notificationsSchema.safeParse(raw ?? {})
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => `notifications.${i.path.join('.')}: ${i.message}`)
  throw new KubedacError('KDAC_E_CONFIG', issues.join('; '))
}
