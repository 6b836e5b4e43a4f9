import { matchesSilence } from '../silences/silences.js'
import type { Silence, SilenceMatchers } from '../silences/silences.js'
import { NEVER } from './rows.js'
import type { SilenceRecord } from './types.js'

/** What a silence is matched against: the finding's identity and the labels around it. */
export interface SilenceTarget {
  detector: string
  cluster: string
  clusterLabels: Record<string, string>
  /** '' for a cluster-scoped object (as the store keeps it). */
  namespace: string
  objectLabels: Record<string, string>
}

const asSilences = new WeakMap<SilenceRecord, Silence>()

// The matching rules are src/silences' (exact, glob, ~regex; ANDed), the same ones the scan
// report applies, so a finding is silenced alike in the report, the API, metrics and
// notifications. A stored silence without an end (API only) is given the latest possible one.
function asSilence(r: SilenceRecord): Silence {
  let s = asSilences.get(r)
  if (!s) {
    s = {
      id: r.id,
      matchers: r.matchers as SilenceMatchers,
      owner: r.owner,
      reason: r.reason,
      expiresAt: new Date(r.expiresAt === null ? NEVER : r.expiresAt.getTime()).toISOString(),
    }
    if (r.ticket !== null) s.ticket = r.ticket
    asSilences.set(r, s)
  }
  return s
}

/** Whether `silence` silences `target` at `now`: the one place the store asks. */
export function silenceMatches(silence: SilenceRecord, target: SilenceTarget, now: Date): boolean {
  return matchesSilence(
    asSilence(silence),
    {
      detector: target.detector,
      cluster: target.cluster,
      clusterLabels: target.clusterLabels,
      namespace: target.namespace === '' ? undefined : target.namespace,
      objectLabels: target.objectLabels,
    },
    now,
  )
}

/**
 * The silencing a finding carries: the latest expiry among the matching active silences and that
 * silence (the smallest id on a tie), as activeSilenceFor in src/silences chooses it.
 */
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
