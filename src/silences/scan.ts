import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { ClusterTarget } from '../collect/define.js'
import type { Config } from '../config/config.js'
import { KubedacError } from '../core/errors.js'
import type { Report } from '../core/types.js'
import { objectLabelsOf } from '../findings/cause.js'
import type { ScanOptions } from '../pipeline.js'
import { applySilences, silenceNotices, type ReportWithSilences } from './apply.js'
import { DEFAULT_MAX_HORIZON_MS, loadSilences, type Silence } from './silences.js'

/** Silences flags of `kubedac scan`. */
export interface SilenceFlags {
  silences?: string
  silencesMaxDays?: string | number
  config?: string
}

/** What `kubedac scan` needs to honour silences. */
export interface ScanSilencer {
  silences: Silence[]
  /** The instant silences are judged at: `--now` when given, else the clock. */
  now: Date
  /** Records object labels while each snapshot is alive, when a silence matches on them. */
  onSnapshot?: ScanOptions['onSnapshot']
  /** Splits a finished report into open and silenced findings. */
  apply(report: Report, targets: readonly ClusterTarget[]): ReportWithSilences
  /** Lines for stderr: silences that have ended or end within 7 days. */
  notices: string
}

const NOTICE_WINDOW_MS = 7 * 86_400_000

/**
 * The silences file `kubedac scan` uses: `--silences`, else `silences:` of kubedac.yaml (relative
 * to that file); undefined when there is none.
 */
export function silencesPath(flags: SilenceFlags, config: Config): string | undefined {
  if (flags.silences) return flags.silences
  if (!config.silences) return undefined
  const configPath = flags.config ?? (existsSync('kubedac.yaml') ? 'kubedac.yaml' : undefined)
  return configPath ? resolve(dirname(configPath), config.silences) : config.silences
}

/**
 * Loads the silences for a scan (a broken file is a usage error: nothing is scanned on half a set
 * of silences) and prepares what the scan and the report need from them. Object labels are read
 * from each cluster's snapshot through the pipeline hook, only for the findings of a scan whose
 * silences match on object labels.
 */
export async function scanSilencer(
  flags: SilenceFlags,
  config: Config,
  now: Date | undefined,
): Promise<ScanSilencer | undefined> {
  const path = silencesPath(flags, config)
  if (path === undefined) return undefined
  const days = flags.silencesMaxDays === undefined ? undefined : Number(flags.silencesMaxDays)
  if (days !== undefined && !(Number.isFinite(days) && days > 0))
    throw new KubedacError('KDAC_E_USAGE', '--silences-max-days must be a number of days above 0')
  const at = now ?? new Date()
  const silences = await loadSilences(path, {
    now: at,
    maxHorizonMs: days === undefined ? DEFAULT_MAX_HORIZON_MS : days * 86_400_000,
  })
  const labels = new Map<string, Record<string, string>>()
  const byLabels = silences.some((s) => s.matchers.objectLabels !== undefined)
  let clusterLabels:
    { targets: readonly ClusterTarget[]; map: Map<string, Record<string, string>> } | undefined
  const silencer: ScanSilencer = {
    silences,
    now: at,
    apply(report, targets) {
      // Called once per cluster when the report is streamed: the label map is built once.
      if (clusterLabels?.targets !== targets)
        clusterLabels = { targets, map: new Map(targets.map((t) => [t.name, t.labels ?? {}])) }
      const map = clusterLabels.map
      const out = applySilences(
        report,
        silences,
        (c) => map.get(c),
        (f) => labels.get(f.fingerprint),
        at,
      )
      // Object labels are needed once, for these findings: dropping them keeps memory to the clusters in flight.
      for (const f of report.findings) labels.delete(f.fingerprint)
      return out
    },
    notices: silenceNotices(silences, at, NOTICE_WINDOW_MS),
  }
  if (byLabels)
    silencer.onSnapshot = (snapshot, findings) => {
      for (const f of findings) {
        const l = objectLabelsOf(f, snapshot)
        if (l) labels.set(f.fingerprint, l)
      }
    }
  return silencer
}
