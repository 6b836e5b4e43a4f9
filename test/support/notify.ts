import {
  parseNotifications,
  type NotificationsConfig,
  type NotificationsInput,
} from '../../src/notify/config.js'
import type { NotifyFinding, NotifyIncident } from '../../src/notify/types.js'

/** A finding of an incident for tests. */
export function finding(overrides: Partial<NotifyFinding> = {}): NotifyFinding {
  return {
    detector: 'container-crashloop',
    severity: 'critical',
    cluster: 'prod-eu',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
    message: 'Container app of Deployment shop/web restarts in a loop (42 restarts).',
    remediation: 'Read the previous container log: kubectl logs --previous.',
    runbook: 'https://kubedac.example/runbooks/container-crashloop',
    fingerprint: 'fp-web-crashloop',
    ...overrides,
  }
}

/** An open incident on cluster prod-eu with one finding, for tests. */
export function incident(overrides: Partial<NotifyIncident> = {}): NotifyIncident {
  return {
    id: 'inc-1',
    cluster: 'prod-eu',
    cause: 'apps/v1/Deployment/shop/web',
    detector: 'container-crashloop',
    title: 'Container restarts in a loop',
    severity: 'critical',
    state: 'open',
    openedAt: new Date('2026-12-01T10:00:00Z'),
    members: [finding()],
    ...overrides,
  }
}

/** Validated notification settings from a short literal. */
export function notifyConfig(input: NotificationsInput): NotificationsConfig {
  return parseNotifications(input)
}
