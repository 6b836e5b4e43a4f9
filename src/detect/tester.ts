import { errorMessage } from '../core/errors.js'
import { groupKind, refOf } from '../core/kinds.js'
import type { Finding, KubeObject, ObjectRef } from '../core/types.js'
import { SnapshotBuilder, type Snapshot } from '../snapshot/snapshot.js'
import type { BaseCase, DetectorSuite, ExpectedFinding, InvalidCase } from './cases.js'
import { defaultParams, missingData, placeholders, type Detector, type ReportInput } from './define.js'
import { runDetectors, type DetectResult } from './engine.js'

/** The outcome of one test case. */
export interface CaseResult {
  name: string
  type: 'valid' | 'invalid' | 'skip'
  ok: boolean
  problems: string[]
}

/** The outcome of one detector's suite. */
export interface SuiteResult {
  detector: string
  origin?: string
  ok: boolean
  /** Problems with the suite itself (no valid case, duplicate names, unknown messageIds…). */
  problems: string[]
  cases: CaseResult[]
}

/** Checks a suite's shape the way ESLint's RuleTester does before running anything. */
export function checkSuiteShape(suite: DetectorSuite): string[] {
  const problems: string[] = []
  const { meta } = suite.detector
  const { valid, invalid, skip = [] } = suite.cases
  if (!valid?.length) problems.push('has no valid case (one where it must stay quiet)')
  if (!invalid?.length) problems.push('has no invalid case (one where it must fire)')
  const names = new Set<string>()
  for (const c of [...(valid ?? []), ...(invalid ?? []), ...skip]) {
    if (typeof c?.name !== 'string' || !c.name.trim()) problems.push('has a case without a name')
    else if (names.has(c.name)) problems.push(`has two cases named ${JSON.stringify(c.name)}`)
    else names.add(c.name)
  }
  for (const c of invalid ?? []) {
    if (!c.findings?.length) problems.push(`invalid case ${JSON.stringify(c.name)} expects no finding`)
    for (const f of c.findings ?? [])
      if (!(f.messageId in meta.messages))
        problems.push(
          `case ${JSON.stringify(c.name)} expects unknown messageId ${JSON.stringify(f.messageId)}`,
        )
  }
  return problems
}

interface CaseRun {
  snapshot: Snapshot
  result: DetectResult
  reports: { input: ReportInput; finalRef: ObjectRef }[]
}

function runCase(detector: Detector, c: BaseCase): CaseRun {
  const b = new SnapshotBuilder('test', { keepManagedFields: detector.meta.needsManagedFields ?? false })
  // Cases share fixture objects across runs: clone so managedFields dropping cannot leak between them.
  for (const o of structuredClone(c.objects ?? [])) b.add(o as KubeObject)
  for (const [k, v] of Object.entries(c.data ?? {})) b.setData(k, v)
  for (const k of c.collected ?? []) b.markCollected(k)
  const snapshot = b.build(c.now ? { now: new Date(c.now) } : {})
  const reports: CaseRun['reports'] = []
  const rollup = detector.meta.rollup !== false
  const recording: Detector = {
    meta: detector.meta,
    detect: (ctx) =>
      detector.detect({
        ...ctx,
        report: (input) => {
          const obj = input.object as KubeObject
          let finalRef: ObjectRef = obj.metadata ? refOf(obj) : (input.object as ObjectRef)
          if (rollup && obj.metadata && obj.kind === 'Pod') finalRef = refOf(ctx.snapshot.rootOwner(obj))
          reports.push({ input, finalRef })
          ctx.report(input)
        },
      }),
  }
  const params = { ...defaultParams(detector.meta), ...(c.params ?? {}) }
  const result = runDetectors(snapshot, [{ detector: recording, severity: detector.meta.severity, params }])
  return { snapshot, result, reports }
}

function describeRef(r: { kind: string; namespace?: string; name: string }): string {
  return `${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name}`
}

function sameObject(e: ExpectedFinding['object'], r: ObjectRef): boolean {
  return e.kind === r.kind && e.name === r.name && (e.namespace ?? '') === (r.namespace ?? '')
}

function matches(e: ExpectedFinding, f: Finding, reports: CaseRun['reports']): boolean {
  if (!sameObject(e.object, f.object) || e.messageId !== f.messageId) return false
  const candidates = reports.filter(
    (r) =>
      r.input.messageId === e.messageId &&
      groupKind(r.finalRef.apiVersion, r.finalRef.kind) === groupKind(f.object.apiVersion, f.object.kind) &&
      r.finalRef.name === f.object.name &&
      (r.finalRef.namespace ?? '') === (f.object.namespace ?? ''),
  )
  if (e.key !== undefined && !candidates.some((r) => r.input.key === e.key)) return false
  if (e.data)
    return candidates.some((r) =>
      Object.entries(e.data!).every(([k, v]) => r.input.data !== undefined && r.input.data[k] === v),
    )
  return true
}

/** Runs one detector's suite: every case, the shape checks, and a determinism check on fingerprints. */
export function runSuite(suite: DetectorSuite): SuiteResult {
  const { detector } = suite
  const { meta } = detector
  const problems = checkSuiteShape(suite)
  const cases: CaseResult[] = []
  const all: { c: BaseCase; type: CaseResult['type'] }[] = [
    ...(suite.cases.valid ?? []).map((c) => ({ c, type: 'valid' as const })),
    ...(suite.cases.invalid ?? []).map((c) => ({ c, type: 'invalid' as const })),
    ...(suite.cases.skip ?? []).map((c) => ({ c, type: 'skip' as const })),
  ]
  for (const { c, type } of all) {
    const p: string[] = []
    for (const k of Object.keys(c.params ?? {}))
      if (!meta.params?.[k]) p.push(`sets unknown parameter ${JSON.stringify(k)}`)
    let run: CaseRun | undefined
    try {
      run = runCase(detector, c)
    } catch (e) {
      p.push(`could not run: ${errorMessage(e)}`)
    }
    if (run) {
      const { result, reports } = run
      for (const e of result.errors) p.push(e.message)
      for (const [, kinds] of result.undeclared) p.push(`read undeclared kinds: ${[...kinds].join(', ')}`)
      const skipped = result.skipped.includes(meta.id)
      if (type === 'skip') {
        if (!skipped) p.push('expected the detector to be skipped for missing data, but it ran')
      } else if (skipped) {
        p.push(
          `was skipped: the case lacks required data (${missingData(meta, (k) => run!.snapshot.has(k)).join(', ')})`,
        )
      } else if ((result.evaluated.get(meta.id) ?? 0) === 0) {
        p.push('evaluated zero objects: the case does not exercise the detector')
      }
      for (const f of result.findings) {
        const left = placeholders(f.message)
        if (left.length)
          p.push(`message of ${describeRef(f.object)} leaves placeholders unfilled: ${left.join(', ')}`)
        const leftFix = placeholders(f.remediation)
        if (leftFix.length)
          p.push(
            `remediation of ${describeRef(f.object)} leaves placeholders unfilled: ${leftFix.join(', ')}`,
          )
      }
      if (type === 'valid' || type === 'skip') {
        for (const f of result.findings)
          p.push(`expected no finding, got ${f.messageId} on ${describeRef(f.object)}: ${f.message}`)
      } else {
        const expected = (c as InvalidCase).findings ?? []
        const unmatched = [...result.findings]
        for (const e of expected) {
          const i = unmatched.findIndex((f) => matches(e, f, reports))
          if (i < 0)
            p.push(
              `expected ${e.messageId} on ${describeRef(e.object)}${e.key ? ` (key ${e.key})` : ''}${e.data ? ` with ${JSON.stringify(e.data)}` : ''}; got ${
                result.findings.map((f) => `${f.messageId} on ${describeRef(f.object)}`).join(', ') ||
                'nothing'
              }`,
            )
          else unmatched.splice(i, 1)
        }
        for (const f of unmatched)
          p.push(`unexpected finding ${f.messageId} on ${describeRef(f.object)}: ${f.message}`)
        // Fingerprints are identity: the same input must give the same ones, run after run.
        try {
          const again = runCase(detector, c)
          const a = result.findings.map((f) => f.fingerprint).sort()
          const b = again.result.findings.map((f) => f.fingerprint).sort()
          if (JSON.stringify(a) !== JSON.stringify(b))
            p.push('fingerprints differ between two runs of the same case')
        } catch (e) {
          p.push(`second run failed: ${errorMessage(e)}`)
        }
      }
    }
    cases.push({ name: c.name, type, ok: p.length === 0, problems: p })
  }
  const out: SuiteResult = {
    detector: meta.id,
    ok: problems.length === 0 && cases.every((c) => c.ok),
    problems,
    cases,
  }
  if (suite.origin) out.origin = suite.origin
  return out
}
