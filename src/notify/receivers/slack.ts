import type { Severity } from '../../core/types.js'
import { postJson, redactor } from '../http.js'
import { clip, isHttpUrl, memberLines, readPayload, runbookUrl, whereText } from '../payload.js'
import type { NotificationPayload } from '../types.js'
import { DEFAULT_TIMEOUT_MS, unreadable, type Receiver, type ReceiverOptions } from './receiver.js'

/** A Slack message: Block Kit blocks and the plain `text` shown where blocks are not (notifications, old clients). */
export interface SlackMessage {
  text: string
  blocks: Record<string, unknown>[]
}

const ICON: Record<Severity, string> = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
}

/** Escapes the three characters Slack's mrkdwn treats as markup. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const link = (url: string, label: string) =>
  `<${url.replace(/[|>]/g, encodeURIComponent)}|${slackEscape(label)}>`

function duration(fromIso: string, toIso: string): string {
  const mins = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000))
  if (mins < 60) return `${mins}m`
  const h = Math.floor(mins / 60)
  return h < 48 ? `${h}h ${mins % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`
}

function headline(p: NotificationPayload, now: Date): string {
  const t = p.incident.title
  const sev = p.severity.toUpperCase()
  switch (p.event) {
    case 'open':
      return `${sev}: ${t}`
    case 'escalate':
      return `Escalated to ${sev}: ${t}`
    case 'resend':
      return `Still open after ${duration(p.incident.openedAt, now.toISOString())}: ${t}`
    case 'resolve':
      return `Resolved: ${t}`
  }
}

/** The Slack message for a notification; a resolve reads differently (check mark, how long it lasted). */
export function slackMessage(p: NotificationPayload, now: Date): SlackMessage {
  const inc = p.incident
  const resolved = p.event === 'resolve'
  const icon = resolved ? ':white_check_mark:' : ICON[p.severity]
  const head = headline(p, now)
  const fields = [
    `*Cluster*\n${slackEscape(whereText(p))}`,
    `*Severity*\n${p.severity}${p.previousSeverity ? ` (was ${p.previousSeverity})` : ''}`,
    ...(inc.detector ? [`*Detector*\n\`${slackEscape(inc.detector)}\``] : []),
    `*Findings*\n${inc.memberCount}`,
    resolved
      ? `*Lasted*\n${duration(inc.openedAt, inc.resolvedAt ?? now.toISOString())}`
      : `*Opened*\n<!date^${Math.floor(Date.parse(inc.openedAt) / 1000)}^{date_short_pretty} {time}|${inc.openedAt}>`,
    ...Object.entries(p.labels)
      .filter(([k]) => k === 'team' || k === 'env')
      .map(([k, v]) => `*${slackEscape(k)}*\n${slackEscape(v)}`),
  ].slice(0, 10)
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`${resolved ? '✅' : '🚨'} ${head}`, 150), emoji: true },
    },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text: clip(text, 2000) })) },
  ]
  if (!resolved) {
    const lines = memberLines(p, 10).map((l) => `• ${slackEscape(l)}`)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n'), 3000) } })
    const remediation = inc.members.find((m) => m.remediation)?.remediation
    if (remediation)
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: clip(`*Fix:* ${slackEscape(remediation)}`, 3000) },
      })
  }
  const runbook = runbookUrl(p)
  const context = [
    ...(runbook ? [link(runbook, 'Runbook')] : []),
    ...(inc.url && isHttpUrl(inc.url) ? [link(inc.url, 'Incident')] : []),
    `kubedac · incident \`${slackEscape(inc.id)}\` · cause ${slackEscape(inc.cause)}`,
  ]
  blocks.push({
    type: 'context',
    elements: context.map((text) => ({ type: 'mrkdwn', text: clip(text, 3000) })),
  })
  return { text: `${icon} ${slackEscape(head)} (${slackEscape(whereText(p))})`, blocks }
}

/** A receiver that posts to a Slack incoming webhook. The webhook URL is a secret: errors show only its origin. */
export function slackReceiver(opts: ReceiverOptions): Receiver {
  const redact = redactor([opts.url, new URL(opts.url).pathname, ...Object.values(opts.headers ?? {})])
  return {
    name: opts.name,
    type: 'slack',
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redact,
    async send(message, now) {
      let body: SlackMessage
      try {
        body = slackMessage(readPayload(message.payload), now)
      } catch (e) {
        return unreadable(e)
      }
      return postJson({
        url: opts.url,
        body: JSON.stringify(body),
        headers: opts.headers ?? {},
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        now,
        redact,
      })
    },
  }
}
