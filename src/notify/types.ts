import type { Severity } from '../core/types.js'

import type { NotificationEvent } from '../store/outbox.js'

export type { NotificationEvent, OutboxInput, OutboxMessage, OutboxStore } from '../store/outbox.js'

/** One finding of an incident, as much of it as a notification shows. */
export interface NotifyFinding {
  detector: string
  severity: Severity
  /** The cluster it was found on (fleet incidents have members on many clusters). */
  cluster?: string
  object: { apiVersion?: string; kind: string; namespace?: string; name: string }
  message: string
  remediation?: string
  runbook?: string
  fingerprint: string
}

/**
 * An incident as the notifier sees it: what the store reports after a scan, mapped by the glue.
 * `openedAt` is the time of the current opening: a reopened incident carries its reopen time, so
 * that each opening is notified once (notification keys are built from it).
 */
export interface NotifyIncident {
  id: string
  /** The cluster, or null for a fleet incident (one cause on many clusters, listed in `clusters`). */
  cluster: string | null
  clusters?: string[]
  /** The root cause's key (an owner, a node, a quota, or a fleet-wide cause). */
  cause: string
  detector?: string
  title: string
  /** The severity now. */
  severity: Severity
  /**
   * The severity when it (re)opened. Unknown: the incident is taken to have opened at its peak,
   * unless `escalated` says the peak was reached later.
   */
  openedSeverity?: Severity
  /**
   * The highest severity already notified of this opening (its open and escalations up to it went
   * out): the open is not planned again, an escalation only above it. Unset: nothing was notified.
   */
  notifiedSeverity?: Severity
  /** The highest severity since it (re)opened; default the higher of `severity` and `openedSeverity`. */
  peakSeverity?: Severity
  /** The scan being planned raised its severity (the store's `escalated` list); used when `openedSeverity` is unknown. */
  escalated?: boolean
  state: 'open' | 'resolved'
  openedAt: Date
  resolvedAt?: Date
  members: NotifyFinding[]
  /** How many findings it has when `members` lists only some (default: members.length). */
  memberCount?: number
  /** Silenced (or snoozed) incidents are not notified; only their resolve goes out, and not to Slack. */
  silenced?: boolean
  /** A link to the incident in kubedac's UI or API, used as Alertmanager's generatorURL and in messages. */
  url?: string
}

/** A message to put in the outbox (what `OutboxStore.enqueue` takes). */
export interface PlannedMessage {
  key: string
  receiver: string
  event: NotificationEvent
  incidentId: string
  payload: NotificationPayload
}

/**
 * What an outbox message carries: the incident as it was when the message was planned, in plain
 * JSON (dates as RFC 3339 strings) so that any store can keep it.
 */
export interface NotificationPayload {
  version: 1
  event: NotificationEvent
  /** The severity this message is about: the opening severity for `open`, the peak otherwise. */
  severity: Severity
  /** For `escalate`: the severity notified before (the opening one or the last escalation), when known. */
  previousSeverity?: Severity
  /** For `resend`: which resend of this opening (1, 2, …). */
  sequence?: number
  /** The cluster's labels (for a fleet incident: the labels all its clusters share). */
  labels: Record<string, string>
  incident: {
    id: string
    cluster: string | null
    clusters?: string[]
    cause: string
    detector?: string
    title: string
    severity: Severity
    /** The lowest severity it may have been notified at (info when unknown). */
    openedSeverity: Severity
    peakSeverity: Severity
    state: 'open' | 'resolved'
    openedAt: string
    resolvedAt?: string
    url?: string
    /** How many findings the incident has (the list below is capped). */
    memberCount: number
    members: NotifyFinding[]
  }
}
