import { KubedacError } from '../../core/errors.js'
import type { NotificationsConfig, ReceiverConfig } from '../config.js'
import { isHttpUrl } from '../payload.js'
import { alertmanagerReceiver } from './alertmanager.js'
import { pagerdutyReceiver } from './pagerduty.js'
import type { Receiver } from './receiver.js'
import { slackReceiver } from './slack.js'
import { webhookReceiver } from './webhook.js'

export type { Deliverable, Receiver, ReceiverOptions } from './receiver.js'
export {
  alertmanagerAlerts,
  alertmanagerReceiver,
  alertLabels,
  type AlertmanagerAlert,
} from './alertmanager.js'
export { pagerdutyDedupKey, pagerdutyEvent, pagerdutyReceiver, type PagerDutyEvent } from './pagerduty.js'
export { slackEscape, slackMessage, slackReceiver, type SlackMessage } from './slack.js'
export {
  signWebhook,
  verifyWebhookSignature,
  webhookBody,
  webhookReceiver,
  type WebhookBody,
} from './webhook.js'

/**
 * Builds the configured receivers, reading their secrets (webhook secret, PagerDuty routing key,
 * Slack URL, header tokens) from the environment. A variable that is not set is an error that
 * names the receiver and the variable, never a value.
 */
export function createReceivers(
  config: Pick<NotificationsConfig, 'receivers'>,
  env: Record<string, string | undefined> = process.env,
): Map<string, Receiver> {
  const out = new Map<string, Receiver>()
  config.receivers.forEach((rc, i) =>
    out.set(rc.name, createReceiver(rc, env, `notifications.receivers.${i}`)),
  )
  return out
}

function createReceiver(
  rc: ReceiverConfig,
  env: Record<string, string | undefined>,
  field: string,
): Receiver {
  const need = (name: string, what: string): string => {
    const v = env[name]
    if (v === undefined || v === '')
      throw new KubedacError(
        'KDAC_E_CONFIG',
        `${field} (${rc.name}): environment variable ${name} (${what}) is not set`,
      )
    return v
  }
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(rc.headers ?? {}))
    headers[k] = typeof v === 'string' ? v : need(v.env, `header ${k}`)
  const common = { name: rc.name, headers, ...(rc.timeout ? { timeoutMs: rc.timeout } : {}) }
  switch (rc.type) {
    case 'alertmanager':
      return alertmanagerReceiver({ ...common, url: rc.url, refreshMs: rc.refresh })
    case 'slack': {
      const url = rc.url ?? need(rc.urlEnv!, 'the Slack webhook URL')
      if (!isHttpUrl(url))
        throw new KubedacError(
          'KDAC_E_CONFIG',
          `${field} (${rc.name}): environment variable ${rc.urlEnv} does not hold an http(s) URL`,
        )
      return slackReceiver({ ...common, url })
    }
    case 'webhook':
      return webhookReceiver({
        ...common,
        url: rc.url,
        ...(rc.secretEnv ? { secret: need(rc.secretEnv, 'the signing secret') } : {}),
      })
    case 'pagerduty':
      return pagerdutyReceiver({
        ...common,
        url: rc.url,
        routingKey: need(rc.routingKeyEnv, 'the routing key'),
        ...(rc.source ? { source: rc.source } : {}),
      })
  }
}
