import type { Severity } from '../../core/types.js'
import { postJson, redactor } from '../http.js'
import {
  clip,
  isHttpUrl,
  memberLines,
  readPayload,
  runbookUrl,
  severitiesBetween,
  singleObject,
  whereText,
} from '../payload.js'
import type { NotificationPayload } from '../types.js'
import { DEFAULT_TIMEOUT_MS, unreadable, type Receiver, type ReceiverOptions } from './receiver.js'

/** One alert as Alertmanager's API v2 takes it. */
export interface AlertmanagerAlert {
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt?: string
  generatorURL?: string
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** A Kubernetes-style label key as an Alertmanager label name (`app.kubernetes.io/team` → `app_kubernetes_io_team`). */
export function labelName(key: string): string {
  const s = key.replace(/[^a-zA-Z0-9_]/g, '_')
  return LABEL_NAME.test(s) ? s : `_${s}`
}

/** The identity of the incident's alert at a severity: labels only, prose goes to annotations. */
export function alertLabels(p: NotificationPayload, severity: Severity): Record<string, string> {
  const labels: Record<string, string> = {}
  // Cluster labels (team, env…) let Alertmanager route as well; kubedac's own labels win a clash.
  for (const [k, v] of Object.entries(p.labels)) if (v !== '') labels[labelName(k)] = v
  labels.alertname = p.incident.detector ?? 'KubedacIncident'
  labels.severity = severity
  labels.incident = p.incident.id
  if (p.incident.cluster !== null) labels.cluster = p.incident.cluster
  else {
    delete labels.cluster
    labels.scope = 'fleet'
  }
  const one = singleObject(p)
  for (const k of ['namespace', 'kind', 'name', 'fingerprint']) delete labels[k]
  if (one && p.incident.cluster !== null) {
    if (one.namespace) labels.namespace = one.namespace
    labels.kind = one.kind
    labels.name = one.name
    if (p.incident.memberCount === 1) labels.fingerprint = p.incident.members[0]!.fingerprint
  }
  return labels
}

/**
 * The alerts to post for a message. Firing alerts carry `endsAt` = now + `ttlMs`, since
 * Alertmanager resolves an alert whose `endsAt` passed and kubedac posts only now and then; a
 * resolve posts the same identities with `endsAt` = now. An escalation also ends the alert of
 * the severity notified before (the severity is part of the identity).
 */
export function alertmanagerAlerts(p: NotificationPayload, now: Date, ttlMs: number): AlertmanagerAlert[] {
  const inc = p.incident
  const startsAt = inc.openedAt
  // Alertmanager refuses an alert that ends before it starts.
  const ended = new Date(Math.max(now.getTime(), Date.parse(startsAt))).toISOString()
  const lines = memberLines(p, 20)
  const runbook = runbookUrl(p)
  const remediation = inc.members.find((m) => m.remediation)?.remediation
  const annotations: Record<string, string> = {
    summary: clip(`${inc.title} on ${whereText(p)}`, 500),
    description: clip(lines.join('\n'), 4000),
    ...(runbook ? { runbook_url: runbook } : {}),
    ...(remediation ? { remediation: clip(remediation, 2000) } : {}),
    ...(inc.cluster === null && inc.clusters ? { clusters: clip(inc.clusters.join(', '), 4000) } : {}),
    cause: inc.cause,
  }
  const alert = (severity: Severity, endsAt: string): AlertmanagerAlert => ({
    labels: alertLabels(p, severity),
    annotations,
    startsAt,
    endsAt,
    ...(inc.url && isHttpUrl(inc.url) ? { generatorURL: inc.url } : {}),
  })
  const firingUntil = new Date(now.getTime() + ttlMs).toISOString()
  switch (p.event) {
    case 'resolve':
      return severitiesBetween(inc.openedSeverity, inc.peakSeverity).map((s) => alert(s, ended))
    case 'escalate': {
      // End the alert of each severity below the new one that may have fired before it.
      const before = p.previousSeverity
        ? [p.previousSeverity]
        : severitiesBetween(inc.openedSeverity, p.severity).filter((s) => s !== p.severity)
      return [
        ...before.filter((s) => s !== p.severity).map((s) => alert(s, ended)),
        alert(p.severity, firingUntil),
      ]
    }
    default:
      return [alert(p.severity, firingUntil)]
  }
}

/** Options of an Alertmanager receiver. */
export interface AlertmanagerOptions extends ReceiverOptions {
  /** How often open incidents are posted again (ms); firing alerts last three of these. Default 1 h. */
  refreshMs?: number
}

/** A receiver that posts alerts to Alertmanager's API v2 (`{url}/api/v2/alerts`); it deduplicates by labels. */
export function alertmanagerReceiver(opts: AlertmanagerOptions): Receiver {
  const endpoint = new URL('api/v2/alerts', opts.url.endsWith('/') ? opts.url : `${opts.url}/`).toString()
  const redact = redactor(Object.values(opts.headers ?? {}))
  const ttlMs = 3 * (opts.refreshMs ?? 3_600_000)
  return {
    name: opts.name,
    type: 'alertmanager',
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redact,
    async send(message, now) {
      let alerts: AlertmanagerAlert[]
      try {
        alerts = alertmanagerAlerts(readPayload(message.payload), now, ttlMs)
      } catch (e) {
        return unreadable(e)
      }
      return postJson({
        url: endpoint,
        body: JSON.stringify(alerts),
        headers: opts.headers ?? {},
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        now,
        redact,
      })
    },
  }
}
