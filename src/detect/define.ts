import { KubedacError } from '../core/errors.js'
import type { KubeObject, ObjectRef, Severity } from '../core/types.js'
import { SEVERITIES } from '../core/types.js'
import type { Snapshot } from '../snapshot/snapshot.js'

/** The categories of the catalogue; a detector belongs to exactly one. */
export const CATEGORIES = [
  'node',
  'pod',
  'workload',
  'autoscaling',
  'scheduling',
  'storage',
  'networking',
  'reliability',
  'security',
  'mesh',
  'fleet',
  'gitops',
  'custom',
] as const

/** One of {@link CATEGORIES}, or a team's own category. */
export type Category = (typeof CATEGORIES)[number] | (string & {})

/** A tunable value of a detector, with its default. */
export interface ParamSpec {
  default: string | number | boolean | string[]
  description: string
}

/** A detector's metadata: plain data, readable without running code. */
export interface DetectorMeta {
  /** kebab-case, stable forever: users silence and configure by it. */
  id: string
  title: string
  /** Why it matters, in plain words. */
  description?: string
  severity: Severity
  category: Category
  /** Kind keys (`apps/v1/Deployment`) or data keys the detector cannot run without. */
  requires: string[]
  /** Kinds of which at least one must have been collected (a check of pod templates runs on Deployments or StatefulSets or…). */
  requiresAny?: string[]
  /** Kinds it reads when present (events, for evidence); their absence does not skip it. */
  optional?: string[]
  /** Keyed message templates with `{{placeholders}}`. */
  messages: Record<string, string>
  /** How to fix it; may use the same placeholders as the message. */
  remediation: string
  /** Runbook page; defaults to `docs/detectors/<id>.md`. */
  runbook?: string
  references?: string[]
  params?: Record<string, ParamSpec>
  /** Pod findings roll up to the owning workload (default true). */
  rollup?: boolean
  /** Needs `metadata.managedFields` (dropped on load otherwise). */
  needsManagedFields?: boolean
  deprecated?: boolean
  replacedBy?: string
}

/** What a detector passes to `report`. */
export interface ReportInput {
  /** The object at fault, or a reference (kind `Cluster` for cluster-wide findings). */
  object: KubeObject | ObjectRef
  messageId: string
  /** Values for the message and remediation placeholders. */
  data?: Record<string, string | number | boolean>
  /** The few fields that prove the finding: a condition, a container state, an event. */
  evidence?: Record<string, unknown>
  /** Distinguishes several findings of one detector on one object (a container name, a condition type). */
  key?: string
}

/** Parameter values after defaults and config are merged. */
export type Params = Record<string, string | number | boolean | string[]>

/** What `detect` receives. */
export interface DetectContext {
  snapshot: Snapshot
  report(finding: ReportInput): void
  params: Params
  now: Date
}

/** A detector: metadata, then a pure function of the snapshot. */
export interface Detector {
  meta: DetectorMeta
  detect(ctx: DetectContext): void
  /** Where it was loaded from (a file), for errors; built-ins leave it unset. */
  origin?: string
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g

/** The placeholder names a template uses. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string)
}

type Part = string | { name: string; whole: string }

// Templates are few and findings many: split each template once, then fill by concatenation.
const compiled = new Map<string, Part[]>()

function partsOf(template: string): Part[] {
  let parts = compiled.get(template)
  if (parts) return parts
  parts = []
  let last = 0
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(template.slice(last, m.index))
    parts.push({ name: m[1] as string, whole: m[0] })
    last = m.index + m[0].length
  }
  if (last < template.length) parts.push(template.slice(last))
  compiled.set(template, parts)
  return parts
}

/** Fills `{{name}}` placeholders; an unknown one is left as it is, so tests can see it. */
export function renderTemplate(template: string, data: Record<string, unknown> | undefined): string {
  let out = ''
  for (const p of partsOf(template)) {
    if (typeof p === 'string') out += p
    else {
      const v = data?.[p.name]
      out += v === undefined || v === null ? p.whole : String(v)
    }
  }
  return out
}

/** Checks a detector's metadata; throws a KDAC_E_DETECTOR_INVALID naming the field. */
export function validateMeta(meta: DetectorMeta, origin?: string): void {
  const where = origin ? ` (${origin})` : ''
  const fail = (field: string, why: string): never => {
    throw new KubedacError('KDAC_E_DETECTOR_INVALID', `${meta?.id ?? '?'}${where}: meta.${field} ${why}`)
  }
  if (!meta || typeof meta !== 'object')
    throw new KubedacError('KDAC_E_DETECTOR_INVALID', `missing meta${where}`)
  if (typeof meta.id !== 'string' || !ID.test(meta.id)) fail('id', 'must be kebab-case')
  if (typeof meta.title !== 'string' || !meta.title.trim()) fail('title', 'is required')
  if (!SEVERITIES.includes(meta.severity)) fail('severity', `must be one of ${SEVERITIES.join(', ')}`)
  if (typeof meta.category !== 'string' || !meta.category) fail('category', 'is required')
  if (!Array.isArray(meta.requires) || meta.requires.some((r) => typeof r !== 'string'))
    fail('requires', 'must be a list of kind or data keys')
  if (
    meta.requiresAny !== undefined &&
    (!Array.isArray(meta.requiresAny) || meta.requiresAny.some((r) => typeof r !== 'string'))
  )
    fail('requiresAny', 'must be a list of kind or data keys')
  if (meta.requires.length === 0 && !meta.requiresAny?.length)
    fail('requires', 'must list at least one kind or data key (or use requiresAny)')
  if (
    meta.optional !== undefined &&
    (!Array.isArray(meta.optional) || meta.optional.some((r) => typeof r !== 'string'))
  )
    fail('optional', 'must be a list of kind keys')
  if (!meta.messages || typeof meta.messages !== 'object' || Object.keys(meta.messages).length === 0)
    fail('messages', 'must hold at least one keyed message')
  for (const [k, v] of Object.entries(meta.messages))
    if (typeof v !== 'string' || !v) fail(`messages.${k}`, 'must be text')
  if (typeof meta.remediation !== 'string' || !meta.remediation.trim()) fail('remediation', 'is required')
  if (meta.params !== undefined) {
    for (const [k, p] of Object.entries(meta.params)) {
      if (!p || typeof p !== 'object' || !('default' in p)) fail(`params.${k}`, 'needs a default')
      if (typeof p.description !== 'string') fail(`params.${k}.description`, 'is required')
    }
  }
  if (meta.replacedBy !== undefined && !meta.deprecated)
    fail('replacedBy', 'is only for deprecated detectors')
}

/** Defines a TypeScript detector: metadata up front, then a pure `detect`. */
export function defineDetector(d: { meta: DetectorMeta; detect: (ctx: DetectContext) => void }): Detector {
  validateMeta(d.meta)
  if (typeof d.detect !== 'function')
    throw new KubedacError('KDAC_E_DETECTOR_INVALID', `${d.meta.id}: detect must be a function`)
  return { meta: d.meta, detect: d.detect }
}

/** What a detector lacks to run on a snapshot: missing `requires`, or all of `requiresAny`. Empty: it runs. */
export function missingData(meta: DetectorMeta, has: (key: string) => boolean): string[] {
  const missing = meta.requires.filter((r) => !has(r))
  if (meta.requiresAny?.length && !meta.requiresAny.some(has))
    missing.push(`one of ${meta.requiresAny.join(', ')}`)
  return missing
}

/** Every kind and data key a detector may read. */
export function declaredData(meta: DetectorMeta): string[] {
  return [...meta.requires, ...(meta.requiresAny ?? []), ...(meta.optional ?? [])]
}

/** The runbook path of a detector. */
export function runbookOf(meta: DetectorMeta): string {
  return meta.runbook ?? `docs/detectors/${meta.id}.md`
}

/** Parameter defaults of a detector. */
export function defaultParams(meta: DetectorMeta): Params {
  const out: Params = {}
  for (const [k, p] of Object.entries(meta.params ?? {})) out[k] = p.default
  return out
}
