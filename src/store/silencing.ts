import { matcherTest } from '../silences/silences.js'
import { NEVER } from './rows.js'
import type { SilenceRecord } from './types.js'

/** What a silence is matched against: the finding's identity and the labels around it. */
export interface SilenceTarget {
  detector: string
  cluster: string
  clusterLabels: Record<string, string>
  namespace: string
  objectLabels: Record<string, string>
}

type Matchers = {
  detector?: string | string[]
  cluster?: string | string[]
  namespace?: string | string[]
  clusterLabels?: Record<string, string>
  objectLabels?: Record<string, string>
}

// Matcher values mean what they mean in silences.yaml (src/silences): exact text, a glob with `*`,
// or `~regex`; compiled once per value.
const tests = new Map<string, (v: string) => boolean>()
function test(want: string, have: string): boolean {
  let t = tests.get(want)
  if (!t) {
    if (tests.size > 10_000) tests.clear()
    try {
      t = matcherTest(want)
    } catch {
      t = () => false // an invalid expression (validated away on input) matches nothing
    }
    tests.set(want, t)
  }
  return t(have)
}

function oneOf(want: string | string[] | undefined, have: string): boolean {
  if (want === undefined) return true
  return Array.isArray(want) ? want.some((w) => test(w, have)) : test(want, have)
}

function labelsMatch(want: Record<string, string> | undefined, have: Record<string, string>): boolean {
  if (want === undefined) return true
  for (const [k, v] of Object.entries(want)) {
    const h = Object.hasOwn(have, k) ? have[k] : undefined
    if (h === undefined || !test(v, h)) return false
  }
  return true
}

/**
 * Whether `silence` silences `target` at `now`. The one place the store decides it: every path
 * (scan, API, metrics, notifications) reads the result the store keeps per finding.
 * Matchers: every given field must match (strings or lists of strings; label maps must all be
 * present); a silence with no matcher silences nothing.
 */
export function silenceMatches(silence: SilenceRecord, target: SilenceTarget, now: Date): boolean {
  if (silence.expiresAt !== null && silence.expiresAt.getTime() <= now.getTime()) return false
  const m = (silence.matchers ?? {}) as Matchers
  if (typeof m !== 'object') return false
  const given = ['detector', 'cluster', 'namespace', 'clusterLabels', 'objectLabels'].some(
    (k) => (m as Record<string, unknown>)[k] !== undefined,
  )
  if (!given) return false
  return (
    oneOf(m.detector, target.detector) &&
    oneOf(m.cluster, target.cluster) &&
    // As in silences.yaml, a namespace matcher never matches a cluster-scoped finding.
    (m.namespace === undefined || (target.namespace !== '' && oneOf(m.namespace, target.namespace))) &&
    labelsMatch(m.clusterLabels, target.clusterLabels) &&
    labelsMatch(m.objectLabels, target.objectLabels)
  )
}

/** The silencing a finding carries: the latest expiry among matching active silences, and that silence. */
export function silencingOf(
  silences: SilenceRecord[],
  target: SilenceTarget,
  now: Date,
): { until: number | null; by: string | null } {
  let until: number | null = null
  let by: string | null = null
  for (const s of silences) {
    if (!silenceMatches(s, target, now)) continue
    const exp = s.expiresAt === null ? NEVER : s.expiresAt.getTime()
    if (until === null || exp > until || (exp === until && by !== null && s.id < by)) {
      until = exp
      by = s.id
    }
  }
  return { until, by }
}
