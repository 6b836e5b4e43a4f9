import { z } from 'zod'
import { SEVERITIES, severityRank, type Severity } from '../core/types.js'
import type { NotificationPayload, NotifyFinding } from './types.js'

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]])
const finding = z.object({
  detector: z.string(),
  severity,
  cluster: z.string().optional(),
  object: z.object({
    apiVersion: z.string().optional(),
    kind: z.string(),
    namespace: z.string().optional(),
    name: z.string(),
  }),
  message: z.string(),
  remediation: z.string().optional(),
  runbook: z.string().optional(),
  fingerprint: z.string(),
})

const payloadSchema = z.object({
  version: z.literal(1),
  event: z.enum(['open', 'escalate', 'resolve', 'resend']),
  severity,
  previousSeverity: severity.optional(),
  sequence: z.number().int().optional(),
  labels: z.record(z.string(), z.string()),
  incident: z.object({
    id: z.string().min(1),
    cluster: z.string().nullable(),
    clusters: z.array(z.string()).optional(),
    cause: z.string(),
    detector: z.string().optional(),
    title: z.string(),
    severity,
    openedSeverity: severity,
    peakSeverity: severity,
    state: z.enum(['open', 'resolved']),
    openedAt: z.iso.datetime({ offset: true }),
    resolvedAt: z.iso.datetime({ offset: true }).optional(),
    url: z.string().optional(),
    memberCount: z.number().int().min(0),
    members: z.array(finding),
  }),
})

/**
 * Reads an outbox payload back (it went through a database as JSON). Throws on one that is not a
 * notification payload of this version, naming the first wrong field.
 */
export function readPayload(raw: unknown): NotificationPayload {
  const value = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw
  const parsed = payloadSchema.safeParse(value)
  if (!parsed.success) {
    const i = parsed.error.issues[0]!
    throw new Error(`malformed notification payload: ${i.path.join('.') || '(root)'}: ${i.message}`)
  }
  return parsed.data as NotificationPayload
}

/** Severities from `low` to `high`, inclusive. */
export function severitiesBetween(low: Severity, high: Severity): Severity[] {
  return SEVERITIES.filter(
    (s) => severityRank(s) >= severityRank(low) && severityRank(s) <= severityRank(high),
  )
}

/** `Deployment shop/web`, or `Node node-1` for cluster-scoped objects. */
export function objectText(o: NotifyFinding['object']): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`
}

/** Where the incident is: its cluster, or `3 clusters (a, b, c)` for a fleet incident. */
export function whereText(p: NotificationPayload, limit = 5): string {
  const { cluster, clusters = [] } = p.incident
  if (cluster !== null) return cluster
  const shown = clusters.slice(0, limit).join(', ')
  const more = clusters.length > limit ? `, +${clusters.length - limit} more` : ''
  return `${clusters.length} cluster${clusters.length === 1 ? '' : 's'} (${shown}${more})`
}

/** The one object every finding names, if they all name the same one. */
export function singleObject(p: NotificationPayload): NotifyFinding['object'] | undefined {
  const [first, ...rest] = p.incident.members
  if (!first || p.incident.memberCount !== p.incident.members.length) return undefined
  const same = (o: NotifyFinding['object']) =>
    o.kind === first.object.kind && o.namespace === first.object.namespace && o.name === first.object.name
  return rest.every((m) => same(m.object)) ? first.object : undefined
}

/** The first runbook that is an http(s) URL. */
export function runbookUrl(p: NotificationPayload): string | undefined {
  return p.incident.members.map((m) => m.runbook).find((r) => r !== undefined && isHttpUrl(r))
}

/** Whether a string is an absolute http(s) URL. */
export function isHttpUrl(s: string): boolean {
  return URL.canParse(s) && /^https?:$/.test(new URL(s).protocol)
}

/** The findings as lines (`Deployment shop/web: message`), at most `limit`, then `…and N more`. */
export function memberLines(p: NotificationPayload, limit = 10): string[] {
  const lines = p.incident.members
    .slice(0, limit)
    .map(
      (m) =>
        `${m.cluster && p.incident.cluster === null ? `[${m.cluster}] ` : ''}${objectText(m.object)}: ${m.message}`,
    )
  const more = p.incident.memberCount - lines.length
  if (more > 0) lines.push(`…and ${more} more`)
  return lines
}

/** Cuts text to `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
