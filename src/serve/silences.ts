import { KubedacError } from '../core/errors.js'
import { DEFAULT_MAX_HORIZON_MS, loadSilences, validateSilence, type Silence } from '../silences/silences.js'
import type { SilenceInput } from '../store/types.js'

/** A silence of silences.yaml (src/silences) as the store keeps it. */
export function storeSilence(s: Silence, createdBy: string): SilenceInput {
  return {
    id: s.id,
    matchers: s.matchers,
    owner: s.owner,
    reason: s.reason,
    ticket: s.ticket ?? null,
    createdBy,
    expiresAt: new Date(s.expiresAt),
  }
}

/** The longest a silence may run, from `--silences-max-days` (default 90 days). */
export function silenceHorizon(days: string | number | undefined): number {
  if (days === undefined) return DEFAULT_MAX_HORIZON_MS
  const n = Number(days)
  if (!(Number.isFinite(n) && n > 0))
    throw new KubedacError('KDAC_E_USAGE', '--silences-max-days must be a number of days above 0')
  return n * 86_400_000
}

/**
 * Reads silences.yaml for the service each time it is called, validated as `kubedac scan`
 * validates it (src/silences): a file with any problem is refused whole, naming file, line and field.
 */
export function silencesLoader(
  path: string,
  maxHorizonMs = DEFAULT_MAX_HORIZON_MS,
): () => Promise<SilenceInput[]> {
  return async () =>
    (await loadSilences(path, { now: new Date(), maxHorizonMs })).map((s) => storeSilence(s, `file:${path}`))
}

/**
 * Validates a silence sent to the API exactly as one of silences.yaml (src/silences), and checks
 * that an exact detector matcher names a known detector (a typo would silence nothing).
 */
export function checkApiSilence(
  body: unknown,
  known: ReadonlySet<string>,
  maxHorizonMs = DEFAULT_MAX_HORIZON_MS,
  now = new Date(),
): { silence: Silence } | { field: string; message: string } {
  const r = validateSilence(body, { now, maxHorizonMs })
  if (!r.silence) {
    const i = r.issues[0]!
    return { field: i.field, message: `${i.field}: ${i.message}` }
  }
  const d = r.silence.matchers.detector
  if (d !== undefined && !d.startsWith('~') && !d.includes('*') && !known.has(d))
    return { field: 'matchers.detector', message: `matchers.detector: unknown detector ${JSON.stringify(d)}` }
  return { silence: r.silence }
}
