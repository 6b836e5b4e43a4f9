import { KubedacError, errorMessage } from '../core/errors.js'
import { groupKindOfKey, refOf } from '../core/kinds.js'
import type { Finding, KubeObject, ObjectRef, ScanError, Severity } from '../core/types.js'
import { fingerprintOf } from '../findings/finding.js'
import { rollUp, type RawFinding } from '../findings/rollup.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import {
  declaredData,
  missingData,
  renderTemplate,
  runbookOf,
  type Detector,
  type Params,
  type ReportInput,
} from './define.js'

/** A detector with its configuration applied. */
export interface ConfiguredDetector {
  detector: Detector
  severity: Severity
  params: Params
}

/** What the engine produced for one cluster. */
export interface DetectResult {
  findings: Finding[]
  /** Ids of detectors skipped because their required data was not collected. */
  skipped: string[]
  errors: ScanError[]
  /** Per detector: how many objects it was handed, for the test runner's "evaluated nothing" check. */
  evaluated: Map<string, number>
  /** Per detector: kinds it tried to read without declaring them. */
  undeclared: Map<string, Set<string>>
}

/** Options for the engine. */
export interface DetectOptions {
  /** Base prepended to relative runbook paths in findings. */
  runbookBase?: string
}

/** Runs detectors over one cluster's snapshot; a detector that throws is an error entry, not a crash. */
export function runDetectors(
  snapshot: Snapshot,
  detectors: ConfiguredDetector[],
  options: DetectOptions = {},
): DetectResult {
  const result: DetectResult = {
    findings: [],
    skipped: [],
    errors: [],
    evaluated: new Map(),
    undeclared: new Map(),
  }
  for (const cd of detectors) {
    const { meta } = cd.detector
    if (missingData(meta, (k) => snapshot.has(k)).length) {
      result.skipped.push(meta.id)
      continue
    }
    const declared = new Set<string>()
    for (const k of declaredData(meta)) {
      declared.add(k)
      declared.add(groupKindOfKey(k))
    }
    const counter = { n: 0 }
    const undeclared = new Set<string>()
    const view = guardedView(snapshot, meta.id, declared, counter, undeclared)
    const raw: RawFinding[] = []
    const runbook = runbookUrl(runbookOf(meta), options.runbookBase)
    const report = (input: ReportInput) => raw.push(buildFinding(cd, snapshot.cluster, input, runbook))
    try {
      cd.detector.detect({ snapshot: view, report, params: cd.params, now: snapshot.now })
    } catch (e) {
      const code = e instanceof KubedacError ? e.code : 'KDAC_E_DETECTOR_THREW'
      result.errors.push({
        source: cd.detector.origin ? `detector ${meta.id} (${cd.detector.origin})` : `detector ${meta.id}`,
        code,
        message: `${meta.id} on cluster ${snapshot.cluster}: ${errorMessage(e)}`,
      })
    }
    result.evaluated.set(meta.id, counter.n)
    if (undeclared.size) result.undeclared.set(meta.id, undeclared)
    const rolled = rollUp(raw, meta.rollup === false ? undefined : (pod) => snapshot.rootOwner(pod), (o) =>
      snapshot.sourceOf(o),
    )
    for (const f of rolled) result.findings.push(f)
  }
  return result
}

function runbookUrl(path: string, base: string | undefined): string {
  if (!base || /^[a-z]+:\/\//i.test(path)) return path
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '')
}

function isKubeObject(o: KubeObject | ObjectRef): o is KubeObject {
  return typeof (o as KubeObject).metadata === 'object' && (o as KubeObject).metadata !== null
}

function buildFinding(
  cd: ConfiguredDetector,
  cluster: string,
  input: ReportInput,
  runbook: string,
): RawFinding {
  const { meta } = cd.detector
  const template = meta.messages[input.messageId]
  if (template === undefined)
    throw new KubedacError(
      'KDAC_E_DETECTOR_INVALID',
      `${meta.id} reported unknown messageId ${JSON.stringify(input.messageId)} (known: ${Object.keys(meta.messages).join(', ')})`,
    )
  const obj = isKubeObject(input.object) ? input.object : undefined
  const ref: ObjectRef = obj ? refOf(obj) : { ...(input.object as ObjectRef) }
  const data: Record<string, unknown> = {
    kind: ref.kind,
    name: ref.name,
    namespace: ref.namespace ?? '',
    ...input.data,
  }
  const finding: Finding = {
    detector: meta.id,
    title: meta.title,
    severity: cd.severity,
    category: meta.category,
    cluster,
    object: ref,
    messageId: input.messageId,
    message: renderTemplate(template, data),
    evidence: input.evidence ?? {},
    remediation: renderTemplate(meta.remediation, data),
    runbook,
    fingerprint: fingerprintOf(meta.id, cluster, ref, input.key),
  }
  const raw: RawFinding = { finding }
  if (obj) raw.object = obj
  if (input.key !== undefined) raw.key = input.key
  return raw
}

// Detectors see only the kinds they declared, so `requires` stays honest and the engine can
// fetch exactly what the enabled detectors need from a live cluster.
function guardedView(
  s: Snapshot,
  id: string,
  declared: Set<string>,
  counter: { n: number },
  undeclared: Set<string>,
): Snapshot {
  const check = (kind: string) => {
    if (declared.has(kind) || declared.has(groupKindOfKey(kind))) return
    undeclared.add(kind)
    throw new KubedacError(
      'KDAC_E_UNDECLARED_KIND',
      `${id} read ${kind}; add it to meta.requires or meta.optional`,
    )
  }
  const eventsDeclared = () => declared.has('Event') || declared.has('events.k8s.io/Event')
  return {
    cluster: s.cluster,
    now: s.now,
    size: s.size,
    list(kind, namespace) {
      check(kind)
      const l = s.list(kind, namespace)
      counter.n += l.length
      return l
    },
    get(kind, namespace, name) {
      check(kind)
      const o = s.get(kind, namespace, name)
      if (o) counter.n++
      return o
    },
    has: (k) => s.has(k),
    ownersOf: (o) => s.ownersOf(o),
    childrenOf: (o) => s.childrenOf(o),
    rootOwner: (o) => s.rootOwner(o),
    eventsFor(o) {
      if (!eventsDeclared()) check('v1/Event')
      return s.eventsFor(o)
    },
    podsFor(o) {
      check('v1/Pod')
      return s.podsFor(o)
    },
    select(kind, namespace, selector) {
      check(kind)
      const l = s.select(kind, namespace, selector)
      counter.n += l.length
      return l
    },
    data<T>(key: string): T | undefined {
      if (!declared.has(key)) {
        undeclared.add(key)
        throw new KubedacError(
          'KDAC_E_UNDECLARED_KIND',
          `${id} read data ${key}; add it to meta.requires or meta.optional`,
        )
      }
      const v = s.data<T>(key)
      // Collector data is what such a detector evaluates: it counts like an object read.
      if (v !== undefined) counter.n++
      return v
    },
    logs: (ns, pod) => s.logs(ns, pod),
    sourceOf: (o) => s.sourceOf(o),
    // The computation reads through this view, so the first detector to ask must declare its kinds;
    // the key names what is derived, and every detector using it declares the same kinds.
    memo: (key, compute) => s.memo(key, compute),
    kinds: () => s.kinds(),
  }
}
