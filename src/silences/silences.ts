import { hash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml'
import { z } from 'zod'
import { KubedacError } from '../core/errors.js'

// Silences as code: a reviewed file of "we know, stop telling us until then", each with an owner,
// a reason and an end. Matching is pure and judged at an instant, so every path that honours
// silences (scan report, notifications, API, metrics) stops honouring one at the same moment.

/** How far ahead a silence may end unless configured otherwise: 90 days. */
export const DEFAULT_MAX_HORIZON_MS = 90 * 86_400_000

/**
 * What a silence matches; every matcher given must match (AND), and at least one is required.
 * Each value is exact text, a glob when it holds `*` (any run of characters, `/` included), or a
 * regular expression when it starts with `~` (JavaScript syntax, matched against the whole value).
 * Names and label values in Kubernetes can hold neither `*` nor `~`, so the three never clash.
 */
export interface SilenceMatchers {
  detector?: string
  cluster?: string
  /** Labels of the cluster (fleet.yaml), each key present with a matching value. */
  clusterLabels?: Record<string, string>
  /** Never matches a cluster-scoped finding. */
  namespace?: string
  /** Labels of the finding's object, each key present with a matching value; never matches when the labels are unknown. */
  objectLabels?: Record<string, string>
}

/** One validated silence. */
export interface Silence {
  /** Given in the file, or derived from its content (`s-` and 10 hex digits). */
  id: string
  matchers: SilenceMatchers
  owner: string
  reason: string
  ticket?: string
  /** When it stops silencing, RFC 3339 in UTC (`2026-04-01T00:00:00.000Z`); it silences strictly before. */
  expiresAt: string
}

/** What a finding offers to silences. */
export interface SilenceTarget {
  detector: string
  cluster: string
  clusterLabels?: Record<string, string> | undefined
  /** Undefined for a cluster-scoped finding. */
  namespace?: string | undefined
  /** Undefined when the labels of the finding's object are not known. */
  objectLabels?: Record<string, string> | undefined
}

/** Validation settings. */
export interface SilenceOptions {
  /** The instant the horizon is measured from (default: the clock). */
  now?: Date
  /** Latest allowed `expiresAt`, from `now` (default {@link DEFAULT_MAX_HORIZON_MS}). */
  maxHorizonMs?: number
}

/** One problem with a silence or a silences file: where (field path, line) and what. */
export interface SilenceIssue {
  /** `silences[2].expiresAt`, or `expiresAt` for a single silence. */
  field: string
  message: string
  line?: number
  column?: number
}

const ID = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/** Why a matcher value is unusable, or undefined when it is fine. */
export function matcherValueError(value: string): string | undefined {
  if (value === '') return 'must not be empty (use "~^$" to match an empty value)'
  if (value.startsWith('~'))
    try {
      new RegExp(value.slice(1))
    } catch (e) {
      return `is not a valid regular expression: ${(e as Error).message}`
    }
  return undefined
}

const text = (what: string) =>
  z.string({ error: `must be ${what}` }).refine((s) => s.trim() !== '', { message: 'must not be empty' })
const matcherValue = z
  .union([z.string(), z.number(), z.boolean()], { error: 'must be text: exact, a glob with *, or ~regex' })
  .transform((v) => String(v))
  .superRefine((v, ctx) => {
    const err = matcherValueError(v)
    if (err) ctx.addIssue({ code: 'custom', message: err })
  })
const labelMatchers = z.record(z.string().min(1, 'label key must not be empty'), matcherValue, {
  error: 'must be a map of label keys to values',
})

const matchersSchema = z
  .object(
    {
      detector: matcherValue.optional(),
      cluster: matcherValue.optional(),
      clusterLabels: labelMatchers.optional(),
      namespace: matcherValue.optional(),
      objectLabels: labelMatchers.optional(),
    },
    { error: 'must be a map of matchers (detector, cluster, clusterLabels, namespace, objectLabels)' },
  )
  .strict()
  .refine(
    (m) =>
      Object.values(m).some((v) => v !== undefined && (typeof v !== 'object' || Object.keys(v).length > 0)),
    {
      message: 'needs at least one matcher: a silence matching everything is not allowed',
    },
  )

/** The schema of one silence as written (the API accepts the same). */
export const silenceSchema = z
  .object(
    {
      id: z
        .string({ error: 'must be text' })
        .regex(ID, 'must be letters, digits, . _ - (at most 63)')
        .optional(),
      matchers: matchersSchema,
      owner: text('the person or team who owns the silence'),
      reason: text('why the finding is silenced'),
      ticket: text('a ticket reference').optional(),
      expiresAt: z
        .string({
          error:
            'must be an RFC 3339 time with a time zone, e.g. 2026-04-01T00:00:00Z: a silence without an end is not allowed',
        })
        .refine((s) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)), {
          message: 'must be an RFC 3339 time with a time zone, e.g. 2026-04-01T00:00:00Z',
        }),
    },
    { error: 'must be a map with matchers, owner, reason and expiresAt' },
  )
  .strict()

/** The schema of `silences.yaml`. */
export const silencesFileSchema = z
  .object(
    { silences: z.array(silenceSchema, { error: 'must be a list of silences' }) },
    {
      error: 'must be a map with a silences list',
    },
  )
  .strict()

type SilenceInput = z.infer<typeof silenceSchema>

function sortedRecord(r: Record<string, string> | undefined): [string, string][] | undefined {
  return r ? Object.entries(r).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) : undefined
}

/** The id a silence without one gets: a hash of what it says, so it stays the same run after run. */
export function derivedSilenceId(s: Omit<Silence, 'id'>): string {
  const m = s.matchers
  const canonical = JSON.stringify([
    m.detector ?? null,
    m.cluster ?? null,
    sortedRecord(m.clusterLabels) ?? null,
    m.namespace ?? null,
    sortedRecord(m.objectLabels) ?? null,
    s.owner,
    s.reason,
    s.ticket ?? null,
    s.expiresAt,
  ])
  return 's-' + hash('sha256', canonical).slice(0, 10)
}

function toSilence(input: SilenceInput): Silence {
  const matchers: SilenceMatchers = {}
  const m = input.matchers
  if (m.detector !== undefined) matchers.detector = m.detector
  if (m.cluster !== undefined) matchers.cluster = m.cluster
  if (m.clusterLabels !== undefined && Object.keys(m.clusterLabels).length)
    matchers.clusterLabels = m.clusterLabels
  if (m.namespace !== undefined) matchers.namespace = m.namespace
  if (m.objectLabels !== undefined && Object.keys(m.objectLabels).length)
    matchers.objectLabels = m.objectLabels
  const body: Omit<Silence, 'id'> = {
    matchers,
    owner: input.owner.trim(),
    reason: input.reason.trim(),
    ...(input.ticket !== undefined ? { ticket: input.ticket.trim() } : {}),
    expiresAt: new Date(Date.parse(input.expiresAt)).toISOString(),
  }
  return { id: input.id ?? derivedSilenceId(body), ...body }
}

function horizonIssue(expiresAt: string, opts: SilenceOptions): string | undefined {
  const now = (opts.now ?? new Date()).getTime()
  const max = opts.maxHorizonMs ?? DEFAULT_MAX_HORIZON_MS
  const t = Date.parse(expiresAt)
  if (t - now > max)
    return `is more than ${Math.round(max / 86_400_000)} days ahead (${expiresAt}): silences must be renewed, not forgotten`
  return undefined
}

function fieldOf(path: readonly PropertyKey[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`
  return out || '(root)'
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<PropertyKey, unknown>)[p]
  }
  return cur
}

interface RawIssue extends SilenceIssue {
  path: PropertyKey[]
  /** For an unknown field: the key, so the line is the key's own. */
  key?: string
}

function issuesOf(error: z.ZodError, raw: unknown): RawIssue[] {
  return error.issues.map((i) => {
    const missing = i.code === 'invalid_type' && valueAt(raw, i.path) === undefined
    if (i.code === 'unrecognized_keys') {
      const key = String(i.keys[0])
      return {
        field: fieldOf([...i.path, key]),
        message: `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`,
        path: i.path,
        key,
      }
    }
    return {
      field: fieldOf(i.path),
      message: !missing
        ? i.message
        : i.message.startsWith('must be ')
          ? `is required: ${i.message.slice(8)}`
          : `is required (${i.message})`,
      path: i.path,
    }
  })
}

/**
 * Validates one silence (as the API receives it): the silence, or the problems with it. The
 * horizon is checked against `opts.now`; an `expiresAt` already past is valid (it just never matches).
 */
export function validateSilence(
  input: unknown,
  opts: SilenceOptions = {},
): { silence: Silence; issues: [] } | { silence?: undefined; issues: SilenceIssue[] } {
  const parsed = silenceSchema.safeParse(input)
  if (!parsed.success)
    return { issues: issuesOf(parsed.error, input).map(({ field, message }) => ({ field, message })) }
  const h = horizonIssue(parsed.data.expiresAt, opts)
  if (h) return { issues: [{ field: 'expiresAt', message: h }] }
  return { silence: toSilence(parsed.data), issues: [] }
}

// The node at a path, or the nearest ancestor the file has (a missing field points at its parent).
function locate(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
  key?: string,
): { line: number; col: number } | undefined {
  if (key !== undefined) {
    const map = doc.getIn(path as unknown[], true)
    if (isMap(map)) {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key)
      const r = pair && isNode(pair.key) ? pair.key.range : undefined
      if (r) return lc.linePos(r[0])
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as unknown[], true)
    if (isNode(node) && node.range) return lc.linePos(node.range[0])
  }
  return undefined
}

function fail(source: string, issues: SilenceIssue[]): never {
  const lines = issues.map(
    (i) =>
      `${source}${i.line ? `:${i.line}${i.column ? `:${i.column}` : ''}` : ''}: ${i.field}: ${i.message}`,
  )
  const first = issues[0]
  throw new KubedacError('KDAC_E_SILENCES', lines.join('\n'), {
    source,
    ...(first?.line ? { line: first.line } : {}),
    ...(first?.column ? { column: first.column } : {}),
  })
}

/**
 * Parses and validates the text of a silences file. Every problem is reported at once, each with
 * the file, line, column and field; a file with any problem is refused as a whole (half a set of
 * silences would page people who were told they would not be paged).
 */
export function parseSilences(text: string, source: string, opts: SilenceOptions = {}): Silence[] {
  const lc = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false })
  if (doc.errors.length)
    fail(
      source,
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0])
        return { field: '(yaml)', message: e.message.split('\n')[0]!, line: pos.line, column: pos.col }
      }),
    )
  const raw: unknown = doc.toJS() ?? {}
  const at = (path: readonly PropertyKey[], key?: string) => {
    const p = locate(doc, lc, path, key)
    return p ? { line: p.line, column: p.col } : {}
  }
  const parsed = silencesFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issues: SilenceIssue[] = issuesOf(parsed.error, raw).map(({ field, message, path, key }) => ({
      field,
      message,
      ...at(path, key),
    }))
    // Report a too distant end beside the other problems, so one round of fixes is enough.
    const list = valueAt(raw, ['silences'])
    if (Array.isArray(list))
      list.forEach((s, i) => {
        const e = valueAt(s, ['expiresAt'])
        const h = typeof e === 'string' && RFC3339.test(e) ? horizonIssue(e, opts) : undefined
        if (h)
          issues.push({ field: `silences[${i}].expiresAt`, message: h, ...at(['silences', i, 'expiresAt']) })
      })
    fail(source, issues)
  }
  const issues: SilenceIssue[] = []
  const out: Silence[] = []
  const seen = new Map<string, number>()
  for (const [i, s] of parsed.data.silences.entries()) {
    const h = horizonIssue(s.expiresAt, opts)
    if (h) issues.push({ field: `silences[${i}].expiresAt`, message: h, ...at(['silences', i, 'expiresAt']) })
    const silence = toSilence(s)
    const twin = seen.get(silence.id)
    if (twin !== undefined)
      issues.push({
        field: `silences[${i}]${s.id !== undefined ? '.id' : ''}`,
        message: `id ${JSON.stringify(silence.id)} is already used by silences[${twin}]${s.id === undefined ? ' (the same silence twice)' : ''}`,
        ...at(s.id !== undefined ? ['silences', i, 'id'] : ['silences', i]),
      })
    seen.set(silence.id, i)
    out.push(silence)
  }
  if (issues.length) fail(source, issues)
  return out
}

/** Reads and validates a silences file (see {@link parseSilences}). */
export async function loadSilences(path: string, opts: SilenceOptions = {}): Promise<Silence[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new KubedacError(
      'KDAC_E_SILENCES',
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      {
        source: path,
      },
    )
  }
  return parseSilences(text, path, opts)
}

// ---------------------------------------------------------------------------------------------
// Matching

type Test = (value: string) => boolean

interface Compiled {
  detector?: Test
  cluster?: Test
  namespace?: Test
  clusterLabels?: [string, Test][]
  objectLabels?: [string, Test][]
}

/** Compiles a matcher value: exact, glob (`*`) or regular expression (`~re`, anchored). */
export function matcherTest(value: string): Test {
  if (value.startsWith('~')) {
    const re = new RegExp(`^(?:${value.slice(1)})$`)
    return (s) => re.test(s)
  }
  if (value.includes('*')) {
    const re = new RegExp(
      '^' +
        value
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*') +
        '$',
      's',
    )
    return (s) => re.test(s)
  }
  return (s) => s === value
}

const compiledCache = new WeakMap<SilenceMatchers, Compiled>()

function compiled(m: SilenceMatchers): Compiled {
  let c = compiledCache.get(m)
  if (c) return c
  c = {}
  if (m.detector !== undefined) c.detector = matcherTest(m.detector)
  if (m.cluster !== undefined) c.cluster = matcherTest(m.cluster)
  if (m.namespace !== undefined) c.namespace = matcherTest(m.namespace)
  if (m.clusterLabels) c.clusterLabels = Object.entries(m.clusterLabels).map(([k, v]) => [k, matcherTest(v)])
  if (m.objectLabels) c.objectLabels = Object.entries(m.objectLabels).map(([k, v]) => [k, matcherTest(v)])
  compiledCache.set(m, c)
  return c
}

function labelsMatch(tests: [string, Test][], labels: Record<string, string> | undefined): boolean {
  if (!labels) return false
  for (const [k, t] of tests) {
    const v = Object.hasOwn(labels, k) ? labels[k] : undefined
    if (v === undefined || !t(v)) return false
  }
  return true
}

/** Whether a silence is in force at `now`: strictly before its `expiresAt`. */
export function isActive(silence: Silence, now: Date): boolean {
  return Date.parse(silence.expiresAt) > now.getTime()
}

/** Whether a silence silences a finding at `now`: in force, and every matcher it has matches. */
export function matchesSilence(silence: Silence, target: SilenceTarget, now: Date): boolean {
  if (!isActive(silence, now)) return false
  const c = compiled(silence.matchers)
  if (c.detector && !c.detector(target.detector)) return false
  if (c.cluster && !c.cluster(target.cluster)) return false
  if (c.namespace && (target.namespace === undefined || !c.namespace(target.namespace))) return false
  if (c.clusterLabels && !labelsMatch(c.clusterLabels, target.clusterLabels)) return false
  if (c.objectLabels && !labelsMatch(c.objectLabels, target.objectLabels)) return false
  return true
}

/**
 * The silence that holds a finding at `now`, if any: of those that match, the one that ends last
 * (the finding stays silenced until then), the smallest id on a tie; as the store chooses it, so
 * a finding names the same silence in a report and in the API.
 */
export function activeSilenceFor(
  silences: readonly Silence[],
  target: SilenceTarget,
  now: Date,
): Silence | undefined {
  let best: Silence | undefined
  let bestEnd = 0
  for (const s of silences) {
    if (!matchesSilence(s, target, now)) continue
    const end = Date.parse(s.expiresAt)
    if (!best || end > bestEnd || (end === bestEnd && s.id < best.id)) {
      best = s
      bestEnd = end
    }
  }
  return best
}

/** Silences in force at `now` that end within `withinMs`, soonest first. */
export function expiringSoon(silences: readonly Silence[], now: Date, withinMs: number): Silence[] {
  const t = now.getTime()
  return silences
    .filter((s) => {
      const e = Date.parse(s.expiresAt)
      return e > t && e <= t + withinMs
    })
    .sort(
      (a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )
}
