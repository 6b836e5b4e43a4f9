/**
 * YAML detectors: the same metadata as a TypeScript detector, with CEL where the code would be.
 *
 * ```yaml
 * apiVersion: kubedac.io/v1alpha1
 * kind: Detector
 * metadata:                    # DetectorMeta, minus what spec derives (requires, optional, messages)
 *   id: container-create-config-error     # kebab-case, stable forever
 *   title: Container cannot start because its configuration is missing
 *   description: ...           # optional
 *   severity: warning          # critical | warning | info
 *   category: pod
 *   remediation: Create the ConfigMap or Secret that container {{container}} of {{name}} refers to.
 *   runbook: docs/detectors/container-create-config-error.md   # optional
 *   references: [https://...]  # optional
 *   params:                    # optional; read as params.<name>
 *     minWaiting: {default: 5m, description: How long a container must wait before it counts}
 *   rollup: true               # optional; pod findings roll up to the owning workload
 *   needsManagedFields: false  # optional
 *   deprecated: false          # optional, with replacedBy: <id>
 * spec:
 *   match: [v1/Pod]            # kind keys, = meta.requires; fires runs once per object of each kind
 *   optional: [v1/Event]       # kinds read when present; an Event kind here enables `events`
 *   variables:                 # in order, each may use earlier ones; lazy, at most once per object
 *     - name: waiting
 *       expression: >-
 *         object.status.?containerStatuses.orValue([])
 *           .filter(c, c.?state.?waiting.?reason.orValue('') == 'CreateContainerConfigError')
 *   fires: size(variables.waiting) > 0    # CEL bool, true when the problem is present
 *   message: 'Container {{container}} of {{kind}} {{namespace}}/{{name}} cannot start: {{reason}}'
 *   messageId: configError     # optional name of that message; default `fires`
 *   # or several messages:  messages: {id: text, ...} with messageIdExpression: <CEL giving an id>
 *   data:                      # CEL for the placeholders of messages and remediation;
 *     container: variables.waiting[0].name     # kind, name and namespace are built in
 *     reason: variables.waiting[0].state.waiting.?message.orValue('')
 *   evidence:                  # CEL for the fields that prove the finding (plain JSON in reports)
 *     waiting: variables.waiting.map(c, c.state.waiting)
 *   key: variables.waiting[0].name          # optional CEL: tells findings on one object apart
 * ```
 *
 * Every expression sees `object`, `variables`, `now`, `params`, `cluster` and, when an Event kind
 * is declared, `events` (cel.ts explains types, numbers, helpers and limits). Every expression
 * compiles at load: a syntax or type error, a placeholder without data, an unknown `variables.x`
 * or `params.x`, or an unknown field is a load error naming the file, line, column and field path.
 * YAML reads `: `, ` #` and a leading `{` or `[` as structure, so quote such text (messages with
 * `{{placeholders}}` after a colon, CEL map literals) or write it as a block scalar (`>-`, `|`).
 *
 * Runtime errors: a failing expression on one object does not stop the others. detect() evaluates
 * every object, reports what fired, then throws one CelDetectorError (the first failure's code;
 * every failure listed with its field and object). It stops early once a few objects exceed the
 * CEL budget, since a runaway expression is runaway on every object. Missing fields are errors in
 * CEL, as in Kubernetes: read optional ones with `.?` and `orValue`, or guard with `has()`.
 *
 * Fixtures: `<name>.yaml` has its tests in `<name>.tests/tests.yaml` beside it:
 *
 * ```yaml
 * cases:
 *   - name: fires when a container waits on a missing ConfigMap    # plain English, unique
 *     objects: [bad-pod.yaml]        # files in the folder: YAML or JSON, multi-document, Lists
 *     resources: [{apiVersion: v1, kind: Pod, ...}]                # and/or inline objects
 *     now: "2026-01-01T00:00:00Z"    # optional
 *     params: {minWaiting: 1m}       # optional
 *     data: {some-key: ...}          # optional collector data
 *     expect:                        # Kind/namespace/name, or Kind/name if cluster-scoped
 *       - {object: Pod/default/web, result: fires, messageId: configError, data: {container: app}, key: app}
 *       - {object: Pod/default/ok, result: quiet}
 *   - name: is skipped when pods were not collected
 *     objects: [only-nodes.yaml]
 *     result: skip
 * ```
 * A case expecting any `fires` is an invalid case (exactly those findings, on the object a pod
 * rolls up to); one with only `quiet` is a valid case; `result: skip` is a skip case. `messageId`
 * may be left out when the detector has one message; `data` names spec.data keys. Every object
 * named must be among the case's objects, and every YAML/JSON file in the folder must be used.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { LineCounter, isMap as isYamlMap, isScalar, parseDocument, type Document } from 'yaml'
import type { CollectSink } from '../collect/define.js'
import { loadText } from '../collect/files.js'
import { ERRORS, KubedacError, type ErrorCode } from '../core/errors.js'
import { parseKindKey } from '../core/kinds.js'
import type { KubeObject, ScanError } from '../core/types.js'
import type {
  DetectorCases,
  DetectorSuite,
  ExpectedFinding,
  InvalidCase,
  SkipCase,
  ValidCase,
} from './cases.js'
import {
  defaultParams,
  placeholders,
  validateMeta,
  type DetectContext,
  type Detector,
  type DetectorMeta,
  type Params,
  type ParamSpec,
  type ReportInput,
} from './define.js'
import {
  DEFAULT_CEL_LIMITS,
  celTypeOf,
  compileCel,
  resetCelBudget,
  toDataValue,
  toPlain,
  type CelActivation,
  type CelLimits,
  type CompiledCel,
} from './cel.js'

/** The apiVersion a YAML detector declares. */
export const YAML_DETECTOR_API_VERSION = 'kubedac.io/v1alpha1'

/** Placeholders the engine fills from the object itself. */
export const BUILTIN_PLACEHOLDERS: readonly string[] = ['kind', 'name', 'namespace']

/** Options for loading YAML detectors. */
export interface YamlDetectorOptions {
  /** The CEL budget per object; defaults to {@link DEFAULT_CEL_LIMITS}. */
  limits?: Partial<CelLimits>
}

/** One object on which an expression failed. */
export interface CelFailure {
  /** `Pod default/web`. */
  object: string
  /** `spec.fires`, `spec.data.container`… */
  field: string
  code: ErrorCode
  /** The failure without the catalogue prefix. */
  detail: string
}

/** Limit errors after which a detector stops: a runaway expression is runaway on every object. */
const MAX_LIMIT_FAILURES = 3
const SHOWN_FAILURES = 3

/** Thrown by a YAML detector's detect() after the loop when expressions failed on some objects. */
export class CelDetectorError extends KubedacError {
  readonly failures: CelFailure[]

  constructor(file: string, failures: CelFailure[], stoppedEarly: boolean) {
    const first = failures[0] as CelFailure
    const shown = failures.slice(0, SHOWN_FAILURES).map((f) => `${f.field} on ${f.object}: ${f.detail}`)
    const more = failures.length > SHOWN_FAILURES ? `; and ${failures.length - SHOWN_FAILURES} more` : ''
    const stop = stoppedEarly ? ` (stopped after ${MAX_LIMIT_FAILURES} objects exceeded the CEL limit)` : ''
    super(first.code, `${file}: ${shown.join('; ')}${more}${stop}`, { source: file })
    this.failures = failures
  }
}

/** Whether a path names a YAML detector: a `.yaml`/`.yml` file outside any `<name>.tests/` folder. */
export function isYamlDetectorFile(path: string): boolean {
  if (!/\.ya?ml$/i.test(path)) return false
  return !path.split(/[\\/]/).some((seg, i, all) => i < all.length - 1 && seg.endsWith('.tests'))
}

/** The fixture folder of a YAML detector: `dir/x.yaml` → `dir/x.tests`. */
export function suiteFolderOf(file: string): string {
  return join(dirname(file), basename(file, extname(file)) + '.tests')
}

type Path = (string | number)[]

function fmtPath(path: Path): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p
  return out
}

// The yaml library appends " at line L, column C:" and a code excerpt; the location is reported separately.
function firstLine(message: string): string {
  return (message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '')
}

function detailOf(e: KubedacError): string {
  const prefix = ERRORS[e.code] + ': '
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message
}

// A parsed YAML file that can point at any of its fields.
class YamlSource {
  readonly lc = new LineCounter()
  readonly doc: Document
  private lines: string[] | undefined

  constructor(
    readonly file: string,
    readonly text: string,
    readonly code: ErrorCode,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lc, uniqueKeys: true, prettyErrors: true })
    const err = this.doc.errors[0]
    if (err) {
      const pos = err.linePos?.[0]
      const where = pos ? `${file}:${pos.line}:${pos.col}` : file
      // CEL and templates are full of YAML indicators; say so where the parser only sees structure.
      const hint = !['DUPLICATE_KEY', 'TAB_AS_INDENT'].includes(err.code)
        ? " (CEL or text holding ': ', '#' or a leading '{' must be quoted or written as a block scalar: >- or |)"
        : ''
      throw new KubedacError('KDAC_E_PARSE_YAML', `${where}: ${firstLine(err.message)}${hint}`, {
        source: file,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
      })
    }
  }

  value(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 })
  }

  pos(path: Path): { line: number; column: number } | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true)
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range
      if (range) {
        const p = this.lc.linePos(range[0])
        return { line: p.line, column: p.col }
      }
    }
    return undefined
  }

  // Unknown fields are reported at their key, where the typo is.
  keyPos(path: Path): { line: number; column: number } | undefined {
    const parent = path.length > 1 ? this.doc.getIn(path.slice(0, -1), true) : this.doc.contents
    const last = path[path.length - 1]
    const pair = isYamlMap(parent)
      ? parent.items.find((p) => isScalar(p.key) && p.key.value === last)
      : undefined
    const start = isScalar(pair?.key) ? pair.key.range?.[0] : undefined
    if (start === undefined) return this.pos(path)
    const p = this.lc.linePos(start)
    return { line: p.line, column: p.col }
  }

  fail(path: Path, why: string, code: ErrorCode = this.code, at?: { line: number; column: number }): never {
    const p = at ?? this.pos(path)
    const where = p ? `${this.file}:${p.line}:${p.column}` : this.file
    const field = path.length ? `${fmtPath(path)} ` : ''
    throw new KubedacError(code, `${where}: ${field}${why}`, {
      source: this.file,
      ...(p ? { line: p.line, column: p.column } : {}),
    })
  }

  // Maps an offset inside a scalar's value back to the file, exactly for one-line and literal scalars.
  locator(path: Path): (offset: number) => { line: number; column: number } | undefined {
    const node = this.doc.getIn(path, true)
    if (!isScalar(node) || !node.range) return () => this.pos(path)
    const start = node.range[0]
    const base = this.lc.linePos(start)
    const fallback = { line: base.line, column: base.col }
    if (node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') {
      if (this.text.slice(start, node.range[1]).includes('\n')) return () => fallback
      const q = node.type === 'PLAIN' ? 0 : 1
      return (offset) => ({ line: base.line, column: base.col + q + offset })
    }
    if (node.type === 'BLOCK_LITERAL') {
      const value = String(node.value)
      this.lines ??= this.text.split('\n')
      const body = this.lines.slice(base.line).find((l) => l.trim() !== '') ?? ''
      const indent = body.length - body.trimStart().length
      return (offset) => {
        const before = value.slice(0, offset)
        const nl = before.lastIndexOf('\n')
        const lineIdx = before.split('\n').length - 1
        return { line: base.line + 1 + lineIdx, column: indent + (offset - nl - 1) + 1 }
      }
    }
    return () => fallback
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/
const KIND = /^[A-Z][A-Za-z0-9]*$/

function checkKeys(
  src: YamlSource,
  path: Path,
  obj: Record<string, unknown>,
  allowed: string[],
  hints = {},
): void {
  const h = hints as Record<string, string>
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue
    src.fail(
      [...path, k],
      h[k] ?? `is not a known field (known: ${allowed.join(', ')})`,
      undefined,
      src.keyPos([...path, k]),
    )
  }
}

function needString(src: YamlSource, path: Path, v: unknown, required = true): string | undefined {
  if (v === undefined || v === null) {
    if (required) src.fail(path, 'is required')
    return undefined
  }
  if (isMap(v))
    src.fail(path, "must be text; quote it, since a value starting with '{' is read as a YAML mapping")
  if (typeof v !== 'string' || !v.trim()) src.fail(path, 'must be non-empty text')
  return v as string
}

// `fires: true` or `count: 3` are CEL too, though YAML reads them as a boolean or a number.
function needExpr(src: YamlSource, path: Path, v: unknown): string {
  if (typeof v === 'boolean' || typeof v === 'number') return String(v)
  return needString(src, path, v) as string
}

function needStringList(src: YamlSource, path: Path, v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v)) src.fail(path, 'must be a list')
  ;(v as unknown[]).forEach((x, i) => {
    if (typeof x !== 'string' || !x.trim()) src.fail([...path, i], 'must be non-empty text')
  })
  return v as string[]
}

function needBool(src: YamlSource, path: Path, v: unknown): boolean | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'boolean') src.fail(path, 'must be true or false')
  return v as boolean
}

function needKindKeys(src: YamlSource, path: Path, v: unknown, required: boolean): string[] | undefined {
  if ((v === undefined || v === null) && !required) return undefined
  const list = needStringList(src, path, v ?? null)
  if (!list || list.length === 0)
    src.fail(path, 'must list at least one kind key (v1/Pod, apps/v1/Deployment)')
  ;(list as string[]).forEach((k, i) => {
    if (!k.includes('/') || !KIND.test(parseKindKey(k).kind))
      src.fail([...path, i], `${JSON.stringify(k)} is not a kind key like v1/Pod or apps/v1/Deployment`)
  })
  const seen = new Set<string>()
  ;(list as string[]).forEach((k, i) => {
    if (seen.has(k)) src.fail([...path, i], `lists ${k} twice`)
    seen.add(k)
  })
  return list
}

const META_KEYS = [
  'id',
  'title',
  'description',
  'severity',
  'category',
  'remediation',
  'runbook',
  'references',
  'params',
  'rollup',
  'needsManagedFields',
  'deprecated',
  'replacedBy',
]
const SPEC_KEYS = [
  'match',
  'optional',
  'variables',
  'fires',
  'message',
  'messageId',
  'messages',
  'messageIdExpression',
  'data',
  'evidence',
  'key',
]

interface Plan {
  file: string
  meta: DetectorMeta
  match: string[]
  variables: { name: string; expr: CompiledCel }[]
  fires: CompiledCel
  messageId: string | undefined
  messageIdExpr: CompiledCel | undefined
  data: [string, CompiledCel][]
  evidence: [string, CompiledCel][]
  key: CompiledCel | undefined
  usesEvents: boolean
}

// What the fixture loader needs to know about a YAML detector beyond its meta.
const DATA_KEYS = new WeakMap<Detector, Set<string>>()

function parseMeta(src: YamlSource, raw: unknown): Omit<DetectorMeta, 'requires' | 'optional' | 'messages'> {
  const P = ['metadata']
  if (!isMap(raw)) src.fail(P, 'is required and must be a mapping')
  const m = raw as Record<string, unknown>
  checkKeys(src, P, m, META_KEYS, {
    requires: 'is derived from spec.match: list the kinds there',
    optional: 'belongs in spec.optional',
    messages: 'belongs in spec.message or spec.messages',
    name: 'is not a field: YAML detectors are named by metadata.id',
  })
  const id = needString(src, [...P, 'id'], m.id) as string
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) src.fail([...P, 'id'], `${JSON.stringify(id)} must be kebab-case`)
  const severity = needString(src, [...P, 'severity'], m.severity) as string
  if (!['critical', 'warning', 'info'].includes(severity))
    src.fail([...P, 'severity'], `must be critical, warning or info, not ${JSON.stringify(severity)}`)
  const category = needString(src, [...P, 'category'], m.category) as string
  const meta: Omit<DetectorMeta, 'requires' | 'optional' | 'messages'> = {
    id,
    title: needString(src, [...P, 'title'], m.title) as string,
    severity: severity as DetectorMeta['severity'],
    category,
    remediation: needString(src, [...P, 'remediation'], m.remediation) as string,
  }
  const description = needString(src, [...P, 'description'], m.description, false)
  if (description !== undefined) meta.description = description
  const runbook = needString(src, [...P, 'runbook'], m.runbook, false)
  if (runbook !== undefined) meta.runbook = runbook
  const references = needStringList(src, [...P, 'references'], m.references)
  if (references) meta.references = references
  if (m.params !== undefined && m.params !== null) {
    if (!isMap(m.params)) src.fail([...P, 'params'], 'must map parameter names to {default, description}')
    const params: Record<string, ParamSpec> = {}
    for (const [name, spec] of Object.entries(m.params as Record<string, unknown>)) {
      const at = [...P, 'params', name]
      if (!IDENT.test(name))
        src.fail(at, 'must be an identifier (letters, digits, _) to be usable as params.<name>')
      if (!isMap(spec)) src.fail(at, 'must be {default, description}')
      const s = spec as Record<string, unknown>
      checkKeys(src, at, s, ['default', 'description'])
      const d = s.default
      const okDefault =
        typeof d === 'string' ||
        typeof d === 'number' ||
        typeof d === 'boolean' ||
        (Array.isArray(d) && d.every((x) => typeof x === 'string'))
      if (!okDefault)
        src.fail([...at, 'default'], 'is required: text, a number, true/false or a list of text')
      params[name] = {
        default: d as ParamSpec['default'],
        description: needString(src, [...at, 'description'], s.description) as string,
      }
    }
    meta.params = params
  }
  for (const f of ['rollup', 'needsManagedFields', 'deprecated'] as const) {
    const b = needBool(src, [...P, f], m[f])
    if (b !== undefined) meta[f] = b
  }
  const replacedBy = needString(src, [...P, 'replacedBy'], m.replacedBy, false)
  if (replacedBy !== undefined) {
    if (!meta.deprecated)
      src.fail([...P, 'replacedBy'], 'is only for deprecated detectors (set deprecated: true)')
    meta.replacedBy = replacedBy
  }
  return meta
}

function exprMap(src: YamlSource, path: Path, v: unknown): [string, string][] {
  if (v === undefined || v === null) return []
  if (!isMap(v)) src.fail(path, 'must map names to CEL expressions')
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => {
    if (!IDENT.test(k)) src.fail([...path, k], 'must be an identifier (letters, digits, _)')
    return [k, needExpr(src, [...path, k], x)]
  })
}

function buildPlan(src: YamlSource): Plan {
  const root = src.value()
  if (!isMap(root))
    src.fail([], 'is not a YAML detector: expected a mapping with apiVersion, kind, metadata, spec')
  const doc = root as Record<string, unknown>
  if (doc.apiVersion !== YAML_DETECTOR_API_VERSION)
    src.fail(
      ['apiVersion'],
      `must be ${YAML_DETECTOR_API_VERSION}, not ${JSON.stringify(doc.apiVersion ?? null)}`,
    )
  if (doc.kind !== 'Detector') src.fail(['kind'], `must be Detector, not ${JSON.stringify(doc.kind ?? null)}`)
  checkKeys(src, [], doc, ['apiVersion', 'kind', 'metadata', 'spec'])
  const base = parseMeta(src, doc.metadata)
  const S = ['spec']
  if (!isMap(doc.spec)) src.fail(S, 'is required and must be a mapping')
  const spec = doc.spec as Record<string, unknown>
  checkKeys(src, S, spec, SPEC_KEYS, {
    expression: 'is not a field: the condition is spec.fires',
    condition: 'is not a field: the condition is spec.fires',
    requires: 'is not a field: list the kinds in spec.match',
  })

  const match = needKindKeys(src, [...S, 'match'], spec.match, true) as string[]
  const optional = needKindKeys(src, [...S, 'optional'], spec.optional, false)
  for (const [i, k] of (optional ?? []).entries())
    if (match.includes(k)) src.fail([...S, 'optional', i], `${k} is already in spec.match`)
  const declared = [...match, ...(optional ?? [])]
  const eventsDeclared = declared.some((k) => parseKindKey(k).kind === 'Event')

  // Messages.
  const messages: Record<string, string> = {}
  let messageId: string | undefined
  if (spec.message !== undefined && spec.messages !== undefined)
    src.fail([...S, 'messages'], 'cannot be used together with spec.message: pick one')
  if (spec.message !== undefined) {
    const text = needString(src, [...S, 'message'], spec.message) as string
    if (spec.messageIdExpression !== undefined)
      src.fail([...S, 'messageIdExpression'], 'needs spec.messages (several keyed messages) to choose from')
    messageId = needString(src, [...S, 'messageId'], spec.messageId, false) ?? 'fires'
    if (!IDENT.test(messageId)) src.fail([...S, 'messageId'], 'must be an identifier (letters, digits, _)')
    messages[messageId] = text
  } else if (spec.messages !== undefined) {
    if (spec.messageId !== undefined)
      src.fail(
        [...S, 'messageId'],
        'names the single spec.message; with spec.messages use messageIdExpression',
      )
    if (!isMap(spec.messages) || Object.keys(spec.messages).length === 0)
      src.fail([...S, 'messages'], 'must map message ids to texts')
    for (const [k, v] of Object.entries(spec.messages as Record<string, unknown>)) {
      if (!IDENT.test(k)) src.fail([...S, 'messages', k], 'must be an identifier (letters, digits, _)')
      messages[k] = needString(src, [...S, 'messages', k], v) as string
    }
    const ids = Object.keys(messages)
    if (ids.length === 1) messageId = ids[0]
    else if (spec.messageIdExpression === undefined)
      src.fail([...S, 'messageIdExpression'], `is required to choose among the messages (${ids.join(', ')})`)
  } else src.fail([...S, 'message'], 'is required (or spec.messages with spec.messageIdExpression)')

  // Several kinds in `match` are alternatives: the detector runs on whichever were collected.
  const meta: DetectorMeta =
    match.length > 1
      ? { ...base, requires: [], requiresAny: match, messages }
      : { ...base, requires: match, messages }
  if (optional) meta.optional = optional

  // Expressions, compiled in file order so the first error reported is the first in the file.
  const paramNames = new Set(Object.keys(base.params ?? {}))
  const compile = (path: Path, text: string, known: string[], resultTypes?: string[]): CompiledCel => {
    const c = compileCel(
      text,
      { file: src.file, field: fmtPath(path), locate: src.locator(path) },
      resultTypes ? { resultTypes } : {},
    )
    const locate = src.locator(path)
    const at = (why: string, offset = 0): never => src.fail(path, why, 'KDAC_E_CEL_COMPILE', locate(offset))
    for (const [v, offset] of c.refs.members.get('variables') ?? []) {
      if (known.includes(v)) continue
      const all = ((spec.variables as { name?: unknown }[] | undefined) ?? []).map((x) => x?.name)
      if (all.includes(v))
        at(`uses variables.${v}, which is defined later: a variable may only use earlier ones`, offset)
      at(
        `uses variables.${v}, which is not defined${known.length ? ` (defined: ${known.join(', ')})` : ''}`,
        offset,
      )
    }
    for (const [p, offset] of c.refs.members.get('params') ?? [])
      if (!paramNames.has(p))
        at(
          `uses params.${p}, which metadata.params does not declare${paramNames.size ? ` (declared: ${[...paramNames].join(', ')})` : ''}`,
          offset,
        )
    if (c.refs.roots.has('events') && !eventsDeclared)
      at('uses events, which needs v1/Event (or events.k8s.io/v1/Event) in spec.match or spec.optional')
    return c
  }

  const variables: Plan['variables'] = []
  if (spec.variables !== undefined && spec.variables !== null) {
    if (!Array.isArray(spec.variables)) src.fail([...S, 'variables'], 'must be a list of {name, expression}')
    ;(spec.variables as unknown[]).forEach((v, i) => {
      const at = [...S, 'variables', i]
      if (!isMap(v)) src.fail(at, 'must be {name, expression}')
      const entry = v as Record<string, unknown>
      checkKeys(src, at, entry, ['name', 'expression'])
      const name = needString(src, [...at, 'name'], entry.name) as string
      if (!IDENT.test(name)) src.fail([...at, 'name'], 'must be an identifier (letters, digits, _)')
      if (variables.some((x) => x.name === name)) src.fail([...at, 'name'], `${name} is defined twice`)
      const text = needExpr(src, [...at, 'expression'], entry.expression)
      const known = variables.map((x) => x.name)
      variables.push({ name, expr: compile([...at, 'expression'], text, known) })
    })
  }
  const allVars = variables.map((v) => v.name)
  const fires = compile([...S, 'fires'], needExpr(src, [...S, 'fires'], spec.fires), allVars, ['bool'])
  const messageIdExpr =
    spec.messageIdExpression === undefined
      ? undefined
      : compile(
          [...S, 'messageIdExpression'],
          needExpr(src, [...S, 'messageIdExpression'], spec.messageIdExpression),
          allVars,
          ['string'],
        )
  const data = exprMap(src, [...S, 'data'], spec.data).map(([k, text]): [string, CompiledCel] => {
    if (BUILTIN_PLACEHOLDERS.includes(k))
      src.fail([...S, 'data', k], `is built in (the object's ${k}); choose another name`)
    return [k, compile([...S, 'data', k], text, allVars)]
  })
  const evidence = exprMap(src, [...S, 'evidence'], spec.evidence).map(([k, text]): [string, CompiledCel] => [
    k,
    compile([...S, 'evidence', k], text, allVars),
  ])
  const key =
    spec.key === undefined
      ? undefined
      : compile([...S, 'key'], needExpr(src, [...S, 'key'], spec.key), allVars)

  // Every placeholder must have a value, or the finding would show `{{x}}` to a user.
  const dataKeys = new Set([...BUILTIN_PLACEHOLDERS, ...data.map(([k]) => k)])
  const checkTemplate = (path: Path, text: string) => {
    for (const p of placeholders(text))
      if (!dataKeys.has(p))
        src.fail(
          path,
          `uses {{${p}}}, which spec.data does not define (available: ${[...dataKeys].join(', ')})`,
        )
  }
  for (const [k, text] of Object.entries(messages))
    checkTemplate(spec.message !== undefined ? [...S, 'message'] : [...S, 'messages', k], text)
  checkTemplate(['metadata', 'remediation'], meta.remediation)

  validateMeta(meta, src.file)
  const usesEvents = [
    ...variables.map((v) => v.expr),
    fires,
    ...data.map((d) => d[1]),
    ...evidence.map((e) => e[1]),
  ]
    .concat(messageIdExpr ? [messageIdExpr] : [], key ? [key] : [])
    .some((c) => c.refs.roots.has('events'))
  return {
    file: src.file,
    meta,
    match,
    variables,
    fires,
    messageId,
    messageIdExpr,
    data,
    evidence,
    key,
    usesEvents,
  }
}

function describeObject(o: KubeObject): string {
  const ns = o?.metadata?.namespace
  return `${o?.kind ?? '?'} ${ns ? ns + '/' : ''}${o?.metadata?.name ?? '?'}`
}

const UNSET: unique symbol = Symbol('unset')

/** `act.events`: the events of the object being judged, read from the snapshot when first asked. */
function defineEvents(act: CelActivation, view: { snapshot: DetectContext['snapshot'] | undefined }): void {
  Object.defineProperty(act, 'events', {
    enumerable: true,
    get: () => view.snapshot?.eventsFor(act.object as KubeObject) ?? [],
  })
}

function buildDetector(plan: Plan, limits: CelLimits): Detector {
  const { meta, variables, fires, data, evidence, key, messageIdExpr, file } = plan
  const defaults = defaultParams(meta)
  // Built once per detector: per object only the cache is cleared and `state.act.object` changes.
  const cache: unknown[] = variables.map(() => UNSET)
  const state: { act: CelActivation | undefined } = { act: undefined }
  const vars: Record<string, unknown> = {}
  variables.forEach((v, i) => {
    Object.defineProperty(vars, v.name, {
      enumerable: true,
      get() {
        let x = cache[i]
        if (x === UNSET) cache[i] = x = v.expr.run(state.act as CelActivation)
        return x
      },
    })
  })

  const reportFor = (obj: KubeObject, act: CelActivation): ReportInput => {
    let messageId = plan.messageId as string
    if (messageIdExpr) {
      const id = messageIdExpr.run(act)
      if (typeof id !== 'string' || !(id in meta.messages))
        throw new KubedacError(
          'KDAC_E_CEL_EVAL',
          `${messageIdExpr.field}: gave ${JSON.stringify(toPlain(id))}, not one of ${Object.keys(meta.messages).join(', ')}`,
        )
      messageId = id
    }
    const input: ReportInput = { object: obj, messageId }
    if (data.length) {
      const d: Record<string, string | number | boolean> = {}
      for (const [k, c] of data) {
        const v = toDataValue(c.run(act))
        if (v !== undefined) d[k] = v
      }
      input.data = d
    }
    if (evidence.length) {
      const e: Record<string, unknown> = {}
      for (const [k, c] of evidence) e[k] = toPlain(c.run(act))
      input.evidence = e
    }
    if (key) {
      const k = toDataValue(key.run(act))
      if (k !== undefined && k !== '') input.key = String(k)
    }
    return input
  }

  const detect = (ctx: DetectContext): void => {
    const { snapshot, report } = ctx
    const act: CelActivation = {
      object: null,
      variables: vars,
      now: ctx.now,
      params: { ...defaults, ...ctx.params },
      cluster: snapshot.cluster,
    }
    // The getter reads the snapshot through `view`, emptied on return: V8 keeps the first accessor
    // defined here in the object shape it makes for `act`, and a getter closing over the snapshot
    // kept a whole cluster's snapshot alive after its scan (through the report, the next cluster).
    const view: { snapshot: DetectContext['snapshot'] | undefined } = { snapshot }
    if (plan.usesEvents) defineEvents(act, view)
    const failures: CelFailure[] = []
    let limitFailures = 0
    const previous = state.act
    state.act = act
    try {
      outer: for (const kind of plan.match) {
        for (const obj of snapshot.list(kind)) {
          act.object = obj
          cache.fill(UNSET)
          resetCelBudget(limits)
          try {
            const fired = fires.run(act)
            if (fired === false) continue
            if (fired !== true)
              throw new KubedacError(
                'KDAC_E_CEL_EVAL',
                `${fires.field}: gave ${celTypeOf(fired)}, not a bool`,
              )
            report(reportFor(obj, act))
          } catch (e) {
            const err =
              e instanceof KubedacError
                ? e
                : new KubedacError('KDAC_E_CEL_EVAL', e instanceof Error ? e.message : String(e), {
                    cause: e,
                  })
            const detail = detailOf(err)
            const m = /^(spec\.[\w.[\]]+|metadata\.[\w.[\]]+): ([\s\S]*)$/.exec(detail)
            failures.push({
              object: describeObject(obj),
              field: m ? (m[1] as string) : 'spec',
              code: err.code,
              detail: m ? (m[2] as string) : detail,
            })
            if (err.code === 'KDAC_E_CEL_LIMIT' && ++limitFailures >= MAX_LIMIT_FAILURES) break outer
          }
        }
      }
    } finally {
      state.act = previous
      act.object = null
      view.snapshot = undefined
      // Variables of the last object (lists of the cluster's objects) are not kept either.
      cache.fill(UNSET)
    }
    if (failures.length) throw new CelDetectorError(file, failures, limitFailures >= MAX_LIMIT_FAILURES)
  }

  const detector: Detector = { meta, detect, origin: file }
  DATA_KEYS.set(detector, new Set(data.map(([k]) => k)))
  return detector
}

function limitsOf(options: YamlDetectorOptions): CelLimits {
  return { ...DEFAULT_CEL_LIMITS, ...options.limits }
}

/** Builds a detector from the text of a YAML detector file; `file` is used in messages. */
export function parseYamlDetector(text: string, file: string, options: YamlDetectorOptions = {}): Detector {
  const src = new YamlSource(file, text, 'KDAC_E_DETECTOR_INVALID')
  return buildDetector(buildPlan(src), limitsOf(options))
}

async function readText(file: string, code: ErrorCode = 'KDAC_E_DETECTOR_LOAD'): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (e) {
    const why =
      (e as NodeJS.ErrnoException)?.code === 'ENOENT' ? 'no such file' : String((e as Error)?.message ?? e)
    throw new KubedacError(code, `${file}: ${why}`, { source: file, cause: e })
  }
}

/** Loads a YAML detector file, compiling every expression; errors name the file, line and field. */
export async function loadYamlDetector(file: string, options: YamlDetectorOptions = {}): Promise<Detector> {
  return parseYamlDetector(await readText(file), file, options)
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

async function fixtureFiles(dir: string, root = dir): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...(await fixtureFiles(p, root)))
    else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(relative(root, p).split(sep).join('/'))
  }
  return out
}

function isKubeObject(v: unknown): v is KubeObject {
  if (!isMap(v)) return false
  const m = v.metadata
  return (
    typeof v.apiVersion === 'string' && typeof v.kind === 'string' && isMap(m) && typeof m.name === 'string'
  )
}

const NOT_OBJECT = 'is not a Kubernetes object (needs apiVersion, kind and metadata.name)'

/** Reads fixture objects with the loader scans use (multi-document YAML, JSON, Lists); throws its first problem. */
export function parseObjects(text: string, file: string): KubeObject[] {
  const out: KubeObject[] = []
  const problems: ScanError[] = []
  const sink: CollectSink = {
    object: (o) => (out.push(o), true),
    collected: () => undefined,
    data: () => undefined,
    log: () => undefined,
    error: (e) => problems.push(e),
  }
  // Managed fields stay: the test runner drops them itself unless the detector needs them.
  loadText(text, file, sink, { keepManagedFields: true })
  const p = problems[0]
  if (p) {
    const code = (p.code in ERRORS ? p.code : 'KDAC_E_OBJECT_INVALID') as ErrorCode
    const detail = p.message.replace(`${p.source}: ${ERRORS[code]}: `, '')
    throw new KubedacError(code, `${file}: ${detail}`, {
      source: file,
      ...(p.line !== undefined ? { line: p.line } : {}),
      ...(p.column !== undefined ? { column: p.column } : {}),
    })
  }
  return out
}

interface ObjectKey {
  kind: string
  namespace?: string
  name: string
}

function sameObject(o: KubeObject, k: ObjectKey): boolean {
  return (
    o.kind === k.kind && o.metadata.name === k.name && (o.metadata.namespace ?? '') === (k.namespace ?? '')
  )
}

function refText(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`
}

const CASE_KEYS = ['name', 'objects', 'resources', 'now', 'params', 'data', 'expect', 'result']
const EXPECT_KEYS = ['object', 'result', 'messageId', 'data', 'key']

async function parseCases(detector: Detector, folder: string, testsFile: string): Promise<DetectorCases> {
  const src = new YamlSource(testsFile, await readText(testsFile, 'KDAC_E_TEST_CASE'), 'KDAC_E_TEST_CASE')
  const root = src.value()
  if (!isMap(root)) src.fail([], 'must be a mapping with a `cases` list')
  const doc = root as Record<string, unknown>
  checkKeys(src, [], doc, ['cases'])
  if (!Array.isArray(doc.cases)) src.fail(['cases'], 'is required and must be a list')
  const { meta } = detector
  const messageIds = Object.keys(meta.messages)
  const dataKeys = DATA_KEYS.get(detector) ?? new Set<string>()
  const available = new Set(await fixtureFiles(folder))
  available.delete('tests.yaml')
  available.delete('tests.yml')
  const used = new Set<string>()
  const fileCache = new Map<string, KubeObject[]>()
  const names = new Map<string, number>()
  const out: DetectorCases = { valid: [], invalid: [], skip: [] }

  for (const [i, rawCase] of (doc.cases as unknown[]).entries()) {
    const P = ['cases', i]
    if (!isMap(rawCase)) src.fail(P, 'must be a mapping with name, objects and expect')
    const c = rawCase as Record<string, unknown>
    checkKeys(src, P, c, CASE_KEYS)
    const name = needString(src, [...P, 'name'], c.name) as string
    const prev = names.get(name)
    if (prev !== undefined)
      src.fail([...P, 'name'], `${JSON.stringify(name)} is also the name of cases[${prev}]`)
    names.set(name, i)

    const objects: KubeObject[] = []
    for (const [j, f] of (needStringList(src, [...P, 'objects'], c.objects) ?? []).entries()) {
      const rel = f.replace(/\\/g, '/')
      const abs = resolve(folder, rel)
      const back = relative(folder, abs)
      if (isAbsolute(rel) || back.startsWith('..') || isAbsolute(back))
        src.fail([...P, 'objects', j], `${f} is outside the fixture folder`)
      const key = back.split(sep).join('/')
      if (!available.has(key))
        src.fail(
          [...P, 'objects', j],
          `${f} is not a YAML or JSON file in ${folder}${available.size ? ` (files: ${[...available].sort().join(', ')})` : ''}`,
        )
      used.add(key)
      let objs = fileCache.get(key)
      if (!objs) {
        objs = parseObjects(await readText(abs, 'KDAC_E_TEST_CASE'), abs)
        fileCache.set(key, objs)
      }
      objects.push(...objs)
    }
    if (c.resources !== undefined && c.resources !== null) {
      if (!Array.isArray(c.resources)) src.fail([...P, 'resources'], 'must be a list of Kubernetes objects')
      ;(c.resources as unknown[]).forEach((o, j) => {
        const items =
          isMap(o) && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)
            ? o.items
            : [o]
        for (const x of items) {
          if (!isKubeObject(x)) src.fail([...P, 'resources', j], NOT_OBJECT, 'KDAC_E_TEST_CASE')
          objects.push(x as KubeObject)
        }
      })
    }
    const refs = new Set<string>()
    for (const o of objects) {
      const r = `${o.apiVersion} ${refText(o)}`
      if (refs.has(r)) src.fail(P, `holds ${refText(o)} twice (objects and resources together)`)
      refs.add(r)
    }

    const base: ValidCase = { name, objects }
    if (c.now !== undefined && c.now !== null) {
      const now = c.now instanceof Date ? c.now.toISOString() : c.now
      if (typeof now !== 'string' || Number.isNaN(Date.parse(now)))
        src.fail([...P, 'now'], 'must be an RFC 3339 instant like 2026-01-01T00:00:00Z')
      base.now = now as string
    }
    if (c.params !== undefined && c.params !== null) {
      if (!isMap(c.params)) src.fail([...P, 'params'], 'must map parameter names to values')
      for (const [k, v] of Object.entries(c.params as Record<string, unknown>)) {
        if (!meta.params?.[k])
          src.fail(
            [...P, 'params', k],
            `is not a parameter of ${meta.id}${meta.params ? ` (parameters: ${Object.keys(meta.params).join(', ')})` : ''}`,
          )
        const ok =
          ['string', 'number', 'boolean'].includes(typeof v) ||
          (Array.isArray(v) && v.every((x) => typeof x === 'string'))
        if (!ok) src.fail([...P, 'params', k], 'must be text, a number, true/false or a list of text')
      }
      base.params = c.params as Params
    }
    if (c.data !== undefined && c.data !== null) {
      if (!isMap(c.data)) src.fail([...P, 'data'], 'must map collector data keys to values')
      base.data = c.data as Record<string, unknown>
    }

    if (c.result !== undefined) {
      if (c.result !== 'skip')
        src.fail([...P, 'result'], 'can only be skip (per-object results fires/quiet go in expect)')
      if (c.expect !== undefined) src.fail([...P, 'expect'], 'cannot be used with result: skip')
      const skip: SkipCase = { ...base }
      out.skip?.push(skip)
      continue
    }
    if (!Array.isArray(c.expect) || c.expect.length === 0)
      src.fail(
        [...P, 'expect'],
        'is required: list each object with result fires or quiet (or set result: skip)',
      )

    const findings: ExpectedFinding[] = []
    const quiet: string[] = []
    const firing: string[] = []
    for (const [j, rawExp] of (c.expect as unknown[]).entries()) {
      const E = [...P, 'expect', j]
      if (!isMap(rawExp)) src.fail(E, 'must be {object, result}')
      const e = rawExp as Record<string, unknown>
      checkKeys(src, E, e, EXPECT_KEYS)
      const ref = needString(src, [...E, 'object'], e.object) as string
      const parts = ref.split('/')
      if (
        (parts.length !== 2 && parts.length !== 3) ||
        parts.some((p) => !p) ||
        !KIND.test(parts[0] as string)
      )
        src.fail(
          [...E, 'object'],
          `${JSON.stringify(ref)} must be Kind/namespace/name, or Kind/name for a cluster-scoped object`,
        )
      const key: ObjectKey =
        parts.length === 3
          ? { kind: parts[0] as string, namespace: parts[1] as string, name: parts[2] as string }
          : { kind: parts[0] as string, name: parts[1] as string }
      if (!objects.some((o) => sameObject(o, key))) {
        const near = objects.find((o) => o.kind === key.kind && o.metadata.name === key.name)
        const hint = near
          ? `; did you mean ${refText(near)}?`
          : objects.length
            ? ` (objects: ${objects.slice(0, 10).map(refText).join(', ')}${objects.length > 10 ? ', …' : ''})`
            : ' (the case has no objects)'
        src.fail([...E, 'object'], `${ref} is not among the case's objects${hint}`)
      }
      const result = e.result
      if (result !== 'fires' && result !== 'quiet') src.fail([...E, 'result'], 'must be fires or quiet')
      if (result === 'quiet') {
        for (const f of ['messageId', 'data', 'key'])
          if (e[f] !== undefined) src.fail([...E, f], 'only applies to result: fires')
        if (firing.includes(ref)) src.fail(E, `${ref} is expected both to fire and to stay quiet`)
        quiet.push(ref)
        continue
      }
      if (quiet.includes(ref)) src.fail(E, `${ref} is expected both to fire and to stay quiet`)
      firing.push(ref)
      let messageId = needString(src, [...E, 'messageId'], e.messageId, false)
      if (messageId === undefined) {
        if (messageIds.length > 1)
          src.fail(
            [...E, 'messageId'],
            `is required: ${meta.id} has several messages (${messageIds.join(', ')})`,
          )
        messageId = messageIds[0] as string
      } else if (!messageIds.includes(messageId))
        src.fail(
          [...E, 'messageId'],
          `${JSON.stringify(messageId)} is not a message of ${meta.id} (${messageIds.join(', ')})`,
        )
      const finding: ExpectedFinding = { object: key, messageId }
      if (e.data !== undefined && e.data !== null) {
        if (!isMap(e.data)) src.fail([...E, 'data'], 'must map spec.data names to expected values')
        for (const [k, v] of Object.entries(e.data as Record<string, unknown>)) {
          if (!dataKeys.has(k))
            src.fail(
              [...E, 'data', k],
              `is not computed by spec.data${dataKeys.size ? ` (computed: ${[...dataKeys].join(', ')})` : ''}`,
            )
          if (!['string', 'number', 'boolean'].includes(typeof v))
            src.fail([...E, 'data', k], 'must be text, a number or true/false')
        }
        finding.data = e.data as Record<string, string | number | boolean>
      }
      if (e.key !== undefined && e.key !== null) {
        if (!['string', 'number'].includes(typeof e.key)) src.fail([...E, 'key'], 'must be text')
        finding.key = String(e.key)
      }
      findings.push(finding)
    }
    if (findings.length) out.invalid.push({ ...base, findings } satisfies InvalidCase)
    else out.valid.push(base)
  }

  const unused = [...available].filter((f) => !used.has(f)).sort()
  if (unused.length)
    throw new KubedacError(
      'KDAC_E_TEST_CASE',
      `${testsFile}: fixture files not used by any case: ${unused.join(', ')} (use them or delete them)`,
      { source: testsFile },
    )
  return out
}

/** Loads a YAML detector with the cases of its `<name>.tests/` folder (none if there is no folder). */
export async function loadYamlSuite(file: string, options: YamlDetectorOptions = {}): Promise<DetectorSuite> {
  const detector = await loadYamlDetector(file, options)
  const folder = suiteFolderOf(file)
  if (!(await exists(folder))) return { detector, cases: { valid: [], invalid: [] }, origin: file }
  let testsFile = join(folder, 'tests.yaml')
  if (!(await exists(testsFile)) && (await exists(join(folder, 'tests.yml'))))
    testsFile = join(folder, 'tests.yml')
  else if (!(await exists(testsFile)))
    throw new KubedacError('KDAC_E_TEST_CASE', `${folder}: has no tests.yaml`, { source: folder })
  return { detector, cases: await parseCases(detector, folder, testsFile), origin: testsFile }
}
