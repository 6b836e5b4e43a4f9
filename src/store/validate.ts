import { KubedacError } from '../core/errors.js'
import { SEVERITIES } from '../core/types.js'
import type { FindingBody } from './rows.js'
import type { RecordScanInput, StoredFindingInput } from './types.js'

/**
 * Longest cluster, detector and namespace name (Kubernetes' longest names). Indexed columns are
 * kept short: PostgreSQL refuses an index entry over about 2.7 kB.
 */
export const MAX_NAME = 253
/** Longest key: fingerprint, fleet key, silence id, outbox key (indexed too). */
export const MAX_KEY = 256
/** Longest label key (a DNS prefix, '/', a name). */
export const MAX_LABEL_KEY = 317
/** Longest other identity string (kind, object name, cause, category, message id, user names). */
export const MAX_ID = 1024
/** Longest prose (title, message, remediation, runbook, comments) the store accepts. */
export const MAX_TEXT = 65_536
/** Largest evidence object, as JSON. */
export const MAX_EVIDENCE = 1_048_576

const STATUSES = new Set(['scanned', 'partial', 'unreachable'])

function fail(detail: string): never {
  throw new KubedacError('KDAC_E_STORE_INPUT', detail)
}

/** Checks a string field: present (unless optional), a string, and within `max` characters. */
export function checkString(where: string, field: string, v: unknown, max: number, optional = false): void {
  if (v === undefined || v === null) {
    if (optional) return
    fail(`${where}: ${field} is missing`)
  }
  if (typeof v !== 'string') fail(`${where}: ${field} must be a string, got ${typeof v}`)
  if (v.length > max) fail(`${where}: ${field} is ${v.length} characters long; the limit is ${max}`)
  // PostgreSQL text cannot hold NUL; refuse it on both dialects alike.
  if (v.includes('\u0000')) fail(`${where}: ${field} contains a NUL character`)
}

/** Checks a string-to-string map (labels); values up to `maxValue` characters. */
export function checkLabels(where: string, field: string, v: unknown, maxValue: number): void {
  if (v === undefined) return
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    fail(`${where}: ${field} must be an object of strings`)
  for (const [k, val] of Object.entries(v)) {
    checkString(where, `${field} key`, k, MAX_LABEL_KEY)
    checkString(where, `${field}.${k.slice(0, 64)}`, val, maxValue)
  }
}

/** Checks a Date. */
export function checkDate(where: string, field: string, v: unknown, optional = false): void {
  if (v === undefined || v === null) {
    if (optional) return
    fail(`${where}: ${field} is missing`)
  }
  if (!(v instanceof Date) || Number.isNaN(v.getTime())) fail(`${where}: ${field} must be a valid Date`)
}

/** Serialises a finding's body (its evidence included), refusing what JSON cannot hold and evidence too large to store. */
export function bodyJson(where: string, f: StoredFindingInput): string {
  const evidence = f.evidence as unknown
  if (evidence === null || typeof evidence !== 'object' || Array.isArray(evidence))
    fail(`${where}: evidence must be an object`)
  const body: FindingBody = {
    apiVersion: f.object.apiVersion,
    kind: f.object.kind,
    name: f.object.name,
    category: f.category,
    messageId: f.messageId,
    message: f.message,
    remediation: f.remediation,
    runbook: f.runbook,
    evidence: f.evidence,
  }
  if (f.object.uid !== undefined) body.uid = f.object.uid
  let json: string
  try {
    json = JSON.stringify(body)
  } catch (e) {
    fail(`${where}: evidence cannot be stored as JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  if (json.length > MAX_EVIDENCE) {
    const size = JSON.stringify(evidence).length
    if (size > MAX_EVIDENCE) fail(`${where}: evidence is ${size} bytes of JSON; the limit is ${MAX_EVIDENCE}`)
  }
  return json
}

function checkFinding(f: StoredFindingInput, i: number, cluster: string): void {
  const where = `finding ${i}${typeof f?.fingerprint === 'string' ? ` (${f.fingerprint.slice(0, 64)})` : ''} of cluster "${cluster}"`
  if (f === null || typeof f !== 'object') fail(`${where}: not an object`)
  checkString(where, 'fingerprint', f.fingerprint, MAX_KEY)
  if (f.fingerprint === '') fail(`${where}: fingerprint is empty`)
  checkString(where, 'detector', f.detector, MAX_NAME)
  checkString(where, 'cluster', f.cluster, MAX_NAME)
  if (f.cluster !== cluster)
    fail(`${where}: belongs to cluster "${f.cluster.slice(0, 256)}", not to the scanned one`)
  if (!(SEVERITIES as readonly unknown[]).includes(f.severity))
    fail(`${where}: unknown severity ${JSON.stringify(f.severity)}; expected one of ${SEVERITIES.join(', ')}`)
  checkString(where, 'category', f.category, MAX_ID)
  checkString(where, 'title', f.title, MAX_TEXT)
  checkString(where, 'messageId', f.messageId, MAX_ID)
  checkString(where, 'message', f.message, MAX_TEXT)
  checkString(where, 'remediation', f.remediation, MAX_TEXT)
  checkString(where, 'runbook', f.runbook, MAX_TEXT)
  checkString(where, 'cause', f.cause, MAX_ID)
  if (f.cause === '') fail(`${where}: cause is empty`)
  checkString(where, 'fleetKey', f.fleetKey, MAX_KEY, true)
  if (f.object === null || typeof f.object !== 'object') fail(`${where}: object is missing`)
  checkString(where, 'object.apiVersion', f.object.apiVersion, MAX_ID)
  checkString(where, 'object.kind', f.object.kind, MAX_ID)
  checkString(where, 'object.namespace', f.object.namespace, MAX_NAME, true)
  checkString(where, 'object.name', f.object.name, MAX_ID)
  checkString(where, 'object.uid', f.object.uid, MAX_ID, true)
  checkLabels(where, 'objectLabels', f.objectLabels, MAX_ID)
}

/** Checks a scan before anything is written; the error names the finding and the field. */
export function validateRecordScan(input: RecordScanInput): void {
  if (input === null || typeof input !== 'object') fail('recordScan: input is missing')
  const c = input.cluster
  if (c === null || typeof c !== 'object') fail('recordScan: cluster is missing')
  checkString('cluster', 'name', c.name, MAX_NAME)
  if (c.name === '') fail('cluster: name is empty')
  const where = `cluster "${c.name}"`
  checkString(where, 'source', c.source, MAX_TEXT)
  checkLabels(where, 'labels', c.labels, MAX_NAME)
  checkDate(where, 'now', input.now)
  checkDate(where, 'startedAt', input.startedAt, true)
  const r = input.result
  if (r === null || typeof r !== 'object') fail(`${where}: result is missing`)
  if (!STATUSES.has(r.status)) fail(`${where}: unknown scan status ${JSON.stringify(r.status)}`)
  if (r.name !== c.name) fail(`${where}: result is for cluster "${String(r.name).slice(0, 256)}"`)
  if (!Array.isArray(r.skipped) || !Array.isArray(r.errors))
    fail(`${where}: result.skipped and result.errors must be arrays`)
  if (!Number.isInteger(r.objects) || r.objects < 0)
    fail(`${where}: result.objects must be a non-negative integer`)
  if (!Array.isArray(input.detectorsRan)) fail(`${where}: detectorsRan must be an array of detector ids`)
  for (const d of input.detectorsRan) checkString(where, 'detectorsRan[]', d, MAX_NAME)
  for (const [d, n] of Object.entries(input.resolveAfter ?? {}))
    if (!Number.isInteger(n) || n < 1)
      fail(`${where}: resolveAfter.${d} must be a positive integer, got ${String(n)}`)
  if (
    input.fleetThreshold !== undefined &&
    (!Number.isInteger(input.fleetThreshold) || input.fleetThreshold < 1)
  )
    fail(`${where}: fleetThreshold must be a positive integer`)
  if (!Array.isArray(input.findings)) fail(`${where}: findings must be an array`)
  for (let i = 0; i < input.findings.length; i++)
    checkFinding(input.findings[i] as StoredFindingInput, i, c.name)
}
