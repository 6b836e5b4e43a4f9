/**
 * CEL for kubedac: one shared environment, compile-once expressions, and a per-object budget.
 *
 * Variables every expression sees:
 *   object     dyn                        the Kubernetes object (plain JSON)
 *   variables  map<string, dyn>           the detector's named variables, computed lazily, once per object
 *   now        google.protobuf.Timestamp  the snapshot's instant
 *   params     map<string, dyn>           the detector's parameters (defaults merged with config)
 *   cluster    string                     the cluster's name
 *   events     list<dyn>                  the object's events, oldest first (needs v1/Event declared)
 *
 * Numbers: Kubernetes objects are JSON, so every number in `object`, `params` and YAML is a CEL
 * `double`; CEL literals such as `1` are `int`. Comparisons and equality across the two work
 * (`object.spec.replicas > 1`, `size(list) == object.spec.replicas`). `+`, `-` and `*` between a
 * double and an int are registered here and give a double, exact for integral values; `/` and
 * `%` are not, because CEL's integer division would silently differ: write `int(x) / 2` or `x / 2.0`.
 *
 * cel-js differences worth knowing: `has()` takes only a field chain from an identifier
 * (`has(c.resources.limits)`, not `has(list[0].x)`: use `list[0].?x.hasValue()`), and `matches`
 * uses JavaScript regular expressions, not RE2.
 *
 * Helpers, following the Kubernetes CEL quantity library: `quantity(string)`, `isQuantity(string)`,
 * and on a Quantity `asApproximateFloat()`, `asInteger()`, `isInteger()`, `sign()`,
 * `compareTo(q)`, `isGreaterThan(q)`, `isLessThan(q)`, `add(q)`, `sub(q)` (values are doubles).
 *
 * Limits: cel-js bounds expressions at parse time only (AST size and depth), so every comprehension
 * step (`all`, `exists`, `exists_one`, `map`, `filter`) is metered against a per-object budget of
 * iterations and wall-clock milliseconds. Exceeding it raises KDAC_E_CEL_LIMIT even where CEL
 * would absorb the error (`x || ...`, inside `exists`). A literal regular expression with nested
 * quantifiers (`(a+)+`) is refused at compile time, since a backtracking regex cannot be interrupted.
 */
import {
  Environment,
  EvaluationError,
  Optional,
  ParseError,
  TypeError as CelTypeError,
} from '@marcbachmann/cel-js'
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator'
import { KubedacError } from '../core/errors.js'
import { parseQuantity } from '../core/quantity.js'

/** Bounds on one unit of evaluation (one detector on one object). */
export interface CelLimits {
  /** Comprehension steps, summed over every expression and every nesting level. */
  maxIterations: number
  /** Wall-clock budget, checked every 1,024 steps. */
  maxMillis: number
}

/** Generous for real objects (containers × events × conditions), small enough to stop a runaway fast. */
export const DEFAULT_CEL_LIMITS: Readonly<CelLimits> = Object.freeze({
  maxIterations: 100_000,
  maxMillis: 100,
})

/** What an expression is evaluated against; `events` may be a lazy getter. */
export interface CelActivation {
  object: unknown
  variables: Record<string, unknown>
  now: Date
  params: Record<string, unknown>
  cluster: string
  events?: readonly unknown[]
}

/** The identifiers an expression reads, for checks its caller makes (undefined variables, params). */
export interface CelReferences {
  /** Free identifiers used (`object`, `variables`, `events`, …). */
  roots: Set<string>
  /** Fields selected on a free identifier, with the offset of their first use: `variables.waiting`. */
  members: Map<string, Map<string, number>>
}

/** A compiled expression, ready to run many times. */
export interface CompiledCel {
  readonly source: string
  /** Where it came from, for messages: `spec.variables[1].expression`. */
  readonly field: string
  /** The type the checker inferred (`bool`, `dyn`, `list<dyn>`…). */
  readonly type: string
  readonly refs: CelReferences
  /** Evaluates under the current budget; throws KubedacError KDAC_E_CEL_EVAL or KDAC_E_CEL_LIMIT. */
  run(activation: CelActivation): unknown
}

/** Where an expression sits, so compile errors can point at it. */
export interface CelOrigin {
  /** The file, for messages. */
  file?: string
  /** The field path inside the file. */
  field: string
  /** Maps an offset in the expression to a file position (1-based). */
  locate?: (offset: number) => { line: number; column: number } | undefined
}

/** Options for {@link compileCel}. */
export interface CompileOptions {
  /** Static result types accepted besides `dyn` (e.g. `['bool']` for a condition). */
  resultTypes?: string[]
}

class Quantity {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
  toString(): string {
    return this.text
  }
}

export { parseQuantity }

function toQuantity(text: string): Quantity {
  const v = parseQuantity(text)
  if (v === undefined)
    throw new EvaluationError({ code: 'invalid_quantity', message: `invalid quantity: ${text}` })
  return new Quantity(v, text)
}

function toInt(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n))
    throw new EvaluationError({ code: 'invalid_argument', message: `${what} is not representable as an int` })
  return BigInt(n)
}

let shared: Environment | undefined

/** The shared CEL environment (built once: building one is the expensive part of cel-js). */
export function celEnvironment(): Environment {
  if (shared) return shared
  const env = new Environment({
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 10_000, maxDepth: 100 },
  })
    .registerVariable('object', 'dyn', { description: 'The Kubernetes object under evaluation' })
    .registerVariable('variables', 'map<string, dyn>', { description: 'The detector variables' })
    .registerVariable('now', 'google.protobuf.Timestamp', { description: "The snapshot's instant" })
    .registerVariable('params', 'map<string, dyn>', { description: 'Detector parameters' })
    .registerVariable('cluster', 'string', { description: 'The cluster name' })
    .registerVariable('events', 'list<dyn>', { description: "The object's events, oldest first" })
  const arith: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b,
    '-': (a, b) => a - b,
    '*': (a, b) => a * b,
  }
  for (const [op, f] of Object.entries(arith)) {
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => f(a, Number(b)))
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => f(Number(a), b))
  }
  env
    .registerType('Quantity', Quantity)
    .registerFunction('quantity(string): Quantity', (s: string) => toQuantity(s))
    .registerFunction('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined)
    .registerFunction('Quantity.asApproximateFloat(): double', (q: Quantity) => q.value)
    .registerFunction('Quantity.isInteger(): bool', (q: Quantity) => Number.isSafeInteger(q.value))
    .registerFunction('Quantity.asInteger(): int', (q: Quantity) => toInt(q.value, `quantity ${q.text}`))
    .registerFunction('Quantity.sign(): int', (q: Quantity) => BigInt(Math.sign(q.value)))
    .registerFunction('Quantity.compareTo(Quantity): int', (a: Quantity, b: Quantity) =>
      a.value < b.value ? -1n : a.value > b.value ? 1n : 0n,
    )
    .registerFunction(
      'Quantity.isGreaterThan(Quantity): bool',
      (a: Quantity, b: Quantity) => a.value > b.value,
    )
    .registerFunction('Quantity.isLessThan(Quantity): bool', (a: Quantity, b: Quantity) => a.value < b.value)
    .registerFunction(
      'Quantity.add(Quantity): Quantity',
      (a: Quantity, b: Quantity) => new Quantity(a.value + b.value, String(a.value + b.value)),
    )
    .registerFunction(
      'Quantity.sub(Quantity): Quantity',
      (a: Quantity, b: Quantity) => new Quantity(a.value - b.value, String(a.value - b.value)),
    )
  shared = env
  return env
}

// One meter for the whole process: evaluation is synchronous, so only one budget is ever live.
class LimitSignal extends Error {}
const SIGNAL = new LimitSignal('CEL budget exceeded')
const meter = {
  left: DEFAULT_CEL_LIMITS.maxIterations,
  deadline: Infinity,
  limits: DEFAULT_CEL_LIMITS as CelLimits,
  tripped: '' as '' | 'iterations' | 'time',
}

function trip(): never {
  if (!meter.tripped) meter.tripped = meter.left < 0 ? 'iterations' : 'time'
  meter.left = -1
  throw SIGNAL
}

/** Starts a fresh budget; the YAML detector calls it once per object. */
export function resetCelBudget(limits: CelLimits = DEFAULT_CEL_LIMITS): void {
  meter.left = limits.maxIterations
  meter.deadline = performance.now() + limits.maxMillis
  meter.limits = limits
  meter.tripped = ''
}

interface EvalNode {
  evaluate(ev: unknown, self: unknown, ctx: unknown): unknown
}

function meteredStep(inner: EvalNode & { checkedType?: unknown }): EvalNode {
  return {
    // The checker has run by now; these keep cel-js's own bookkeeping consistent if it looks again.
    checkedType: inner.checkedType,
    maybeAsync: false,
    evaluate(ev, _self, ctx) {
      if (--meter.left < 0 || ((meter.left & 1023) === 0 && performance.now() > meter.deadline)) trip()
      return inner.evaluate(ev, inner, ctx)
    },
  } as EvalNode
}

// The shape of cel-js AST nodes that matters here (not part of its typings).
interface RawNode {
  op: string
  args: unknown
  checkedType?: unknown
  meta?: {
    alternate?: RawNode
    macro?: { args?: unknown; var?: string; val?: RawNode; exp?: RawNode }
  }
  evaluate(ev: unknown, self: unknown, ctx: unknown): unknown
}

function isNode(x: unknown): x is RawNode {
  return !!x && typeof x === 'object' && typeof (x as RawNode).op === 'string'
}

// Nested quantifiers make a backtracking engine exponential: `(a+)+`, `(a*)*`, `(a|aa)+`-like groups.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d*,)/

interface Walk {
  refs: CelReferences
  problems: { offset: number; message: string }[]
}

function visit(node: unknown, scope: ReadonlySet<string>, w: Walk): void {
  if (Array.isArray(node)) {
    for (const n of node) visit(n, scope, w)
    return
  }
  if (!isNode(node)) return
  const meta = node.meta
  if (meta?.alternate) return visit(meta.alternate, scope, w)
  if (meta?.macro) {
    const m = meta.macro
    if (typeof m.var === 'string') {
      visit(m.val, scope, w)
      visit(m.exp, new Set([...scope, m.var]), w)
    } else visit(m.args, scope, w)
    return
  }
  const args = node.args
  switch (node.op) {
    case 'comprehension': {
      const c = node.args as { iterable: RawNode; init: RawNode; step: RawNode; iterVarName: string }
      visit(c.iterable, scope, w)
      visit(c.init, scope, w)
      visit(c.step, new Set([...scope, c.iterVarName]), w)
      c.step = meteredStep(c.step) as RawNode
      return
    }
    case 'id': {
      const name = node.args as string
      if (!scope.has(name)) w.refs.roots.add(name)
      return
    }
    case '.':
    case '.?':
    case '[]':
    case '[?]': {
      const [target, key] = args as [unknown, unknown]
      const field = isNode(key) ? (key.op === 'value' ? key.args : undefined) : key
      if (
        isNode(target) &&
        target.op === 'id' &&
        !scope.has(target.args as string) &&
        typeof field === 'string'
      ) {
        const name = target.args as string
        let fields = w.refs.members.get(name)
        if (!fields) w.refs.members.set(name, (fields = new Map()))
        if (!fields.has(field)) fields.set(field, (node as unknown as { start: number }).start)
      }
      visit(target, scope, w)
      if (isNode(key)) visit(key, scope, w)
      return
    }
    case 'rcall': {
      const [name, receiver, callArgs] = args as [string, unknown, unknown[]]
      visit(receiver, scope, w)
      visit(callArgs, scope, w)
      const pattern = callArgs[0]
      if (
        name === 'matches' &&
        isNode(pattern) &&
        pattern.op === 'value' &&
        typeof pattern.args === 'string'
      ) {
        const offset = (pattern as unknown as { start: number }).start
        try {
          new RegExp(pattern.args)
          if (NESTED_QUANTIFIER.test(pattern.args))
            w.problems.push({
              offset,
              message: `the regular expression ${JSON.stringify(pattern.args)} nests quantifiers, which can take exponential time; rewrite it without a repeated group that itself repeats`,
            })
        } catch {
          w.problems.push({ offset, message: `invalid regular expression ${JSON.stringify(pattern.args)}` })
        }
      }
      return
    }
    case 'value':
      return
    default:
      if (Array.isArray(args)) visit(args, scope, w)
      else if (isNode(args)) visit(args, scope, w)
  }
}

function snippet(source: string, offset: number): string {
  const start = source.lastIndexOf('\n', offset - 1) + 1
  const endNl = source.indexOf('\n', offset)
  const line = source.slice(start, endNl < 0 ? undefined : endNl)
  return `\n    ${line}\n    ${' '.repeat(Math.max(0, offset - start))}^`
}

function compileError(source: string, origin: CelOrigin, offset: number, summary: string): KubedacError {
  const pos = origin.locate?.(offset)
  const where = [origin.file, pos?.line, pos?.column].filter((x) => x !== undefined).join(':')
  const at = pos ? '' : ` (at character ${offset + 1} of the expression)`
  return new KubedacError(
    'KDAC_E_CEL_COMPILE',
    `${where ? where + ': ' : ''}${origin.field}: ${summary}${at}${snippet(source, offset)}`,
    {
      ...(origin.file ? { source: origin.file } : {}),
      ...(pos ? { line: pos.line, column: pos.column } : {}),
    },
  )
}

function errorOffset(e: unknown): number {
  const r = (e as { range?: { start?: number } })?.range
  return typeof r?.start === 'number' ? r.start : 0
}

/** Parses and type-checks an expression once; throws KDAC_E_CEL_COMPILE naming the file, field and position. */
export function compileCel(source: string, origin: CelOrigin, options: CompileOptions = {}): CompiledCel {
  if (typeof source !== 'string' || !source.trim())
    throw compileError(String(source ?? ''), origin, 0, 'the expression is empty')
  const env = celEnvironment()
  let fn: ReturnType<Environment['parse']>
  try {
    fn = env.parse(source)
  } catch (e) {
    if (e instanceof ParseError) throw compileError(source, origin, errorOffset(e), e.summary)
    throw compileError(source, origin, 0, e instanceof Error ? e.message : String(e))
  }
  const checked = fn.check()
  if (!checked.valid) {
    const e = checked.error
    const summary = e instanceof ParseError || e instanceof CelTypeError ? e.summary : String(e)
    throw compileError(source, origin, errorOffset(e), summary)
  }
  const type = checked.type ?? 'dyn'
  if (options.resultTypes && type !== 'dyn' && !options.resultTypes.includes(type))
    throw compileError(source, origin, 0, `must give ${options.resultTypes.join(' or ')}, but gives ${type}`)
  const w: Walk = { refs: { roots: new Set(), members: new Map() }, problems: [] }
  visit(fn.ast, new Set(), w)
  const problem = w.problems[0]
  if (problem) throw compileError(source, origin, problem.offset, problem.message)
  const field = origin.field
  return {
    source,
    field,
    type,
    refs: w.refs,
    run(activation: CelActivation): unknown {
      let value: unknown
      try {
        value = fn(activation)
      } catch (e) {
        throw runtimeError(field, e)
      }
      if (meter.tripped) throw limitError(field)
      return value
    },
  }
}

function limitError(field: string): KubedacError {
  const l = meter.limits
  const what =
    meter.tripped === 'time'
      ? `ran longer than ${l.maxMillis} ms`
      : `took more than ${l.maxIterations} iteration steps`
  return new KubedacError('KDAC_E_CEL_LIMIT', `${field}: ${what}`)
}

function runtimeError(field: string, e: unknown): KubedacError {
  // A variable evaluated lazily inside this expression already names its own field.
  if (e instanceof KubedacError) return e
  if (e === SIGNAL || meter.tripped) return limitError(field)
  // No `cause`: cel-js errors hold the whole AST, which would bloat every serialized error.
  if (e instanceof EvaluationError) return new KubedacError('KDAC_E_CEL_EVAL', `${field}: ${e.summary}`)
  const message = e instanceof Error ? e.message : String(e)
  if (e instanceof RangeError && /call stack/i.test(message))
    return new KubedacError('KDAC_E_CEL_LIMIT', `${field}: ${message}`)
  return new KubedacError('KDAC_E_CEL_EVAL', `${field}: ${message}`)
}

/** The CEL type name of a runtime value, for messages. */
export function celTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  switch (typeof v) {
    case 'bigint':
      return 'int'
    case 'number':
      return 'double'
    case 'string':
    case 'boolean':
      return typeof v === 'string' ? 'string' : 'bool'
  }
  if (v instanceof Date) return 'timestamp'
  if (v instanceof Duration) return 'duration'
  if (Array.isArray(v) || v instanceof Set) return 'list'
  if (v instanceof Optional) return 'optional'
  if (v instanceof Quantity) return 'Quantity'
  return 'map'
}

/** A CEL value as plain JSON: ints become numbers, timestamps RFC 3339, durations `90s`, optionals their value. */
export function toPlain(v: unknown, depth = 0): unknown {
  if (depth > 64) return null
  switch (typeof v) {
    case 'bigint':
      return Number(v)
    case 'string':
    case 'boolean':
      return v
    case 'number':
      return Number.isFinite(v) ? v : String(v)
    case 'undefined':
      return null
  }
  if (v === null) return null
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString()
  if (v instanceof Duration || v instanceof Quantity) return v.toString()
  if (v instanceof UnsignedInt) return Number(v.value)
  if (v instanceof Optional) return v.hasValue() ? toPlain(v.value(), depth + 1) : null
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64')
  if (Array.isArray(v) || v instanceof Set) return [...v].map((x) => toPlain(x, depth + 1))
  if (v instanceof Map) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of v) out[String(k)] = toPlain(x, depth + 1)
    return out
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = toPlain(x, depth + 1)
    return out
  }
  return String(v)
}

/** A CEL value as a message placeholder value; lists join with `, `, maps become JSON, null is undefined. */
export function toDataValue(v: unknown): string | number | boolean | undefined {
  const p = toPlain(v)
  if (p === null) return undefined
  if (typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean') return p
  if (Array.isArray(p) && p.every((x) => x === null || typeof x !== 'object')) return p.join(', ')
  return JSON.stringify(p)
}
