import { readFile } from 'node:fs/promises'
import { parseDocument } from 'yaml'
import { z } from 'zod'
import { KubedacError } from '../core/errors.js'
import { SEVERITIES, type Finding, type KubeObject, type Severity } from '../core/types.js'
import { defaultParams, type Detector, type Params } from '../detect/define.js'
import type { ConfiguredDetector } from '../detect/engine.js'
import { notificationsSchema } from '../notify/config.js'
import { matchesSelector } from '../snapshot/selectors.js'

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]])
const paramValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])
const labelSelector = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(
        z
          .object({
            key: z.string(),
            operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict()

const exclusion = z
  .object({
    detectors: z.array(z.string()).optional(),
    clusters: z.array(z.string()).optional(),
    namespaces: z.array(z.string()).optional(),
    selector: labelSelector.optional(),
    reason: z.string().optional(),
  })
  .strict()

/** The schema of `kubedac.yaml`. */
export const configSchema = z
  .object({
    detectors: z
      .object({
        enable: z.array(z.string()).optional(),
        disable: z.array(z.string()).optional(),
        severity: z.record(z.string(), severity).optional(),
        params: z.record(z.string(), z.record(z.string(), paramValue)).optional(),
      })
      .strict()
      .optional(),
    exclude: z.array(exclusion).optional(),
    runbookBase: z.string().optional(),
    notifications: notificationsSchema.optional(),
    /** A silences.yaml for `kubedac scan`, relative to this file (`--silences` overrides it). */
    silences: z.string().optional(),
  })
  .strict()

/** A validated configuration. */
export type Config = z.infer<typeof configSchema>

/** One exclusion rule. */
export type Exclusion = z.infer<typeof exclusion>

/** Parses and validates configuration text; errors name the file, the field and the line. */
export function parseConfig(text: string, source: string): Config {
  const doc = parseDocument(text)
  if (doc.errors.length) {
    const e = doc.errors[0]!
    const pos = e.linePos?.[0]
    const what = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
    throw new KubedacError('KDAC_E_CONFIG', `${source}${pos ? `:${pos.line}:${pos.col}` : ''}: ${what}`, {
      source,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    })
  }
  const raw = doc.toJS() ?? {}
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new KubedacError('KDAC_E_CONFIG', `${source}: ${issues.join('; ')}`, { source })
  }
  return parsed.data
}

/** Reads and validates a configuration file. */
export async function loadConfig(path: string): Promise<Config> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new KubedacError(
      'KDAC_E_CONFIG',
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`,
      {
        source: path,
      },
    )
  }
  return parseConfig(text, path)
}

/** Command-line overrides applied on top of the file. */
export interface ConfigOverrides {
  enable?: string[]
  disable?: string[]
}

/**
 * Applies configuration to the registry: which detectors run, at which severity, with which params.
 * Names in enable/disable/severity/params must be known ids or categories, so a typo is an error.
 */
export function configureDetectors(
  detectors: Detector[],
  config: Config,
  overrides: ConfigOverrides = {},
): ConfiguredDetector[] {
  const ids = new Set(detectors.map((d) => d.meta.id))
  const categories = new Set(detectors.map((d) => d.meta.category))
  const known = (name: string, field: string) => {
    if (!ids.has(name) && !categories.has(name))
      throw new KubedacError(
        'KDAC_E_CONFIG',
        `${field}: unknown detector or category ${JSON.stringify(name)}`,
      )
  }
  const enable = [...(config.detectors?.enable ?? []), ...(overrides.enable ?? [])]
  const disable = [...(config.detectors?.disable ?? []), ...(overrides.disable ?? [])]
  enable.forEach((n) => known(n, 'detectors.enable'))
  disable.forEach((n) => known(n, 'detectors.disable'))
  for (const id of Object.keys(config.detectors?.severity ?? {}))
    if (!ids.has(id))
      throw new KubedacError('KDAC_E_CONFIG', `detectors.severity: unknown detector ${JSON.stringify(id)}`)
  for (const [id, params] of Object.entries(config.detectors?.params ?? {})) {
    const d = detectors.find((x) => x.meta.id === id)
    if (!d)
      throw new KubedacError('KDAC_E_CONFIG', `detectors.params: unknown detector ${JSON.stringify(id)}`)
    for (const p of Object.keys(params))
      if (!d.meta.params?.[p])
        throw new KubedacError(
          'KDAC_E_CONFIG',
          `detectors.params.${id}: unknown parameter ${JSON.stringify(p)} (known: ${Object.keys(d.meta.params ?? {}).join(', ') || 'none'})`,
        )
  }
  const out: ConfiguredDetector[] = []
  for (const d of detectors) {
    const { id, category } = d.meta
    // An explicit id beats a category, and enable beats disable at the same level.
    const byId = enable.includes(id) ? true : disable.includes(id) ? false : undefined
    const byCat = enable.includes(category) ? true : disable.includes(category) ? false : undefined
    const on = byId ?? byCat ?? !d.meta.deprecated
    if (!on) continue
    const params: Params = { ...defaultParams(d.meta), ...(config.detectors?.params?.[id] ?? {}) }
    out.push({ detector: d, severity: config.detectors?.severity?.[id] ?? d.meta.severity, params })
  }
  return out
}

function glob(pattern: string): RegExp {
  const esc = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${esc}$`)
}

/** Compiles exclusions into a predicate over findings (and the object they were reported on). */
export function exclusionFilter(
  rules: Exclusion[] | undefined,
): (f: Finding, labelsOf: (f: Finding) => Record<string, string> | undefined) => boolean {
  if (!rules?.length) return () => false
  const compiled = rules.map((r) => ({
    detectors: r.detectors ? new Set(r.detectors) : undefined,
    clusters: r.clusters?.map(glob),
    namespaces: r.namespaces?.map(glob),
    selector: r.selector,
  }))
  return (f, labelsOf) =>
    compiled.some(
      (r) =>
        (!r.detectors || r.detectors.has(f.detector) || r.detectors.has(f.category)) &&
        (!r.clusters || r.clusters.some((g) => g.test(f.cluster))) &&
        (!r.namespaces ||
          (f.object.namespace !== undefined && r.namespaces.some((g) => g.test(f.object.namespace!)))) &&
        (!r.selector || matchesSelector(r.selector, labelsOf(f))),
    )
}

/** Labels of the object a finding names, looked up in the cluster's objects. */
export function labelsLookup(
  get: (kind: string, namespace: string | undefined, name: string) => KubeObject | undefined,
): (f: Finding) => Record<string, string> | undefined {
  return (f) =>
    get(`${f.object.apiVersion}/${f.object.kind}`, f.object.namespace, f.object.name)?.metadata.labels
}
