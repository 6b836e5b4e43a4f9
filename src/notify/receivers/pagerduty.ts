import { createHash } from 'node:crypto'
import { postJson, redactor } from '../http.js'
import { clip, isHttpUrl, objectText, readPayload, runbookUrl, singleObject, whereText } from '../payload.js'
import type { NotificationPayload } from '../types.js'
import { DEFAULT_TIMEOUT_MS, unreadable, type Receiver, type ReceiverOptions } from './receiver.js'

/** A PagerDuty Events API v2 event. */
export interface PagerDutyEvent {
  routing_key: string
  event_action: 'trigger' | 'resolve'
  dedup_key: string
  payload?: {
    summary: string
    source: string
    severity: 'critical' | 'warning' | 'info'
    timestamp: string
    component?: string
    group?: string
    class?: string
    custom_details: Record<string, unknown>
  }
  links?: { href: string; text: string }[]
  client?: string
  client_url?: string
}

/** PagerDuty's dedup key for an incident: its id (hashed when longer than the 255 characters PagerDuty keeps). */
export function pagerdutyDedupKey(incidentId: string): string {
  return incidentId.length <= 255
    ? incidentId
    : `kubedac-${createHash('sha256').update(incidentId).digest('hex')}`
}

/**
 * The event for a message: `resolve` for a resolve, `trigger` otherwise (PagerDuty folds a trigger
 * with a known `dedup_key` into the open incident, so escalations and resends add to it).
 */
export function pagerdutyEvent(p: NotificationPayload, routingKey: string, source?: string): PagerDutyEvent {
  const inc = p.incident
  const dedup_key = pagerdutyDedupKey(inc.id)
  if (p.event === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key }
  const one = singleObject(p)
  const runbook = runbookUrl(p)
  const prefix = p.event === 'resend' ? '[still open] ' : ''
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: clip(`${prefix}${inc.title} on ${whereText(p)}`, 1024),
      source: source ?? inc.cluster ?? 'kubedac',
      severity: p.severity,
      timestamp: inc.openedAt,
      ...(one ? { component: objectText(one) } : {}),
      ...(inc.cluster !== null ? { group: inc.cluster } : {}),
      ...(inc.detector ? { class: inc.detector } : {}),
      custom_details: {
        event: p.event,
        incident: inc.id,
        cause: inc.cause,
        ...(inc.cluster === null ? { clusters: inc.clusters ?? [] } : {}),
        labels: p.labels,
        findings: inc.memberCount,
        // One line per finding; PagerDuty caps the whole event at 512 KB, the list is capped upstream.
        details: inc.members.map((m) => `${objectText(m.object)}: ${m.message}`),
        ...(inc.members.find((m) => m.remediation)
          ? { remediation: inc.members.find((m) => m.remediation)!.remediation }
          : {}),
      },
    },
    links: [
      ...(runbook ? [{ href: runbook, text: 'Runbook' }] : []),
      ...(inc.url && isHttpUrl(inc.url) ? [{ href: inc.url, text: 'Incident in kubedac' }] : []),
    ],
    client: 'kubedac',
    ...(inc.url && isHttpUrl(inc.url) ? { client_url: inc.url } : {}),
  }
}

/** Options of a PagerDuty receiver. */
export interface PagerDutyOptions extends Omit<ReceiverOptions, 'url'> {
  /** The Events API base URL (default https://events.pagerduty.com); events go to `{url}/v2/enqueue`. */
  url?: string
  /** The integration's routing key (a secret). */
  routingKey: string
  /** `payload.source` (default: the cluster, or `kubedac` for a fleet incident). */
  source?: string
}

/** A receiver that sends PagerDuty Events API v2 events, deduplicated by the incident's `dedup_key`. */
export function pagerdutyReceiver(opts: PagerDutyOptions): Receiver {
  const base = opts.url ?? 'https://events.pagerduty.com'
  const endpoint = new URL('v2/enqueue', base.endsWith('/') ? base : `${base}/`).toString()
  const redact = redactor([opts.routingKey, ...Object.values(opts.headers ?? {})])
  return {
    name: opts.name,
    type: 'pagerduty',
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redact,
    async send(message, now) {
      let body: PagerDutyEvent
      try {
        body = pagerdutyEvent(readPayload(message.payload), opts.routingKey, opts.source)
      } catch (e) {
        return unreadable(e)
      }
      return postJson({
        url: endpoint,
        body: JSON.stringify(body),
        headers: opts.headers ?? {},
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        now,
        redact,
      })
    },
  }
}
