import { readdir, stat } from 'node:fs/promises'
import { extname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Collector } from '../collect/define.js'
import { KubedacError, errorMessage } from '../core/errors.js'
import type { ScanError } from '../core/types.js'
import { builtinTsDetectors, loadBuiltinCases } from '../detectors/index.js'
import type { DetectorSuite } from './cases.js'
import { validateMeta, type Detector } from './define.js'
import { isYamlDetectorFile, loadYamlDetector, loadYamlSuite } from './yaml-detector.js'

/** Where the built-in YAML detectors live (copied beside the compiled code by the build). */
export const BUILTIN_YAML_DIR = fileURLToPath(new URL('../detectors/yaml/', import.meta.url))

/** Detectors and collectors found in a directory, and what could not be loaded. */
export interface Loaded {
  detectors: Detector[]
  collectors: Collector[]
  suites: DetectorSuite[]
  errors: ScanError[]
}

const MODULE_EXT = new Set(['.js', '.mjs', '.ts', '.mts'])

async function walk(dir: string): Promise<string[]> {
  const out: string[] = []
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => a.name.localeCompare(b.name))
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue
    const p = join(dir, e.name)
    // Fixture folders of YAML detectors hold Kubernetes objects, not detectors.
    if (e.isDirectory()) {
      if (!e.name.endsWith('.tests')) out.push(...(await walk(p)))
    } else out.push(p)
  }
  return out
}

async function importModule(file: string): Promise<Record<string, unknown>> {
  const ext = extname(file)
  if (ext === '.ts' || ext === '.mts') {
    // User detectors may be TypeScript: tsx compiles them at load time, no build step needed.
    const { tsImport } = await import('tsx/esm/api')
    return (await tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>
}

function isDetector(x: unknown): x is Detector {
  return (
    !!x && typeof x === 'object' && typeof (x as Detector).detect === 'function' && !!(x as Detector).meta
  )
}

function isCollector(x: unknown): x is Collector {
  return (
    !!x &&
    typeof x === 'object' &&
    typeof (x as Collector).collect === 'function' &&
    Array.isArray((x as Collector).meta?.produces)
  )
}

function isSuite(x: unknown): x is DetectorSuite {
  return (
    !!x && typeof x === 'object' && isDetector((x as DetectorSuite).detector) && !!(x as DetectorSuite).cases
  )
}

/**
 * Loads a user directory: YAML detectors (with their `.tests/` folders), and JS/TS modules whose
 * exports are detectors (`defineDetector`), collectors (`defineCollector`) or test suites
 * (`defineCases`, in `*.cases.ts`). One broken file is an error entry; the rest still load.
 */
export async function loadDirectory(dir: string, opts: { withSuites?: boolean } = {}): Promise<Loaded> {
  const out: Loaded = { detectors: [], collectors: [], suites: [], errors: [] }
  const root = resolve(dir)
  try {
    if (!(await stat(root)).isDirectory())
      throw new KubedacError('KDAC_E_DETECTOR_LOAD', `${dir} is not a directory`, { source: dir })
  } catch (e) {
    out.errors.push({
      source: dir,
      code: 'KDAC_E_DETECTOR_LOAD',
      message: e instanceof KubedacError ? e.message : `${dir}: no such directory`,
    })
    return out
  }
  for (const file of await walk(root)) {
    try {
      if (isYamlDetectorFile(file)) {
        if (opts.withSuites) {
          const suite = await loadYamlSuite(file)
          out.detectors.push(suite.detector)
          out.suites.push(suite)
        } else out.detectors.push(await loadYamlDetector(file))
        continue
      }
      const ext = extname(file)
      if (!MODULE_EXT.has(ext) || file.endsWith('.d.ts') || /\.test\.[mc]?[jt]s$/.test(file)) continue
      const isCases = /\.cases\.[mc]?[jt]s$/.test(file)
      if (isCases && !opts.withSuites) continue
      const mod = await importModule(file)
      for (const [name, value] of Object.entries(mod)) {
        const items = Array.isArray(value) ? value : [value]
        for (const item of items) {
          if (isSuite(item)) out.suites.push({ ...item, origin: file })
          else if (isDetector(item)) {
            validateMeta(item.meta, file)
            out.detectors.push({ ...item, origin: file })
          } else if (isCollector(item)) out.collectors.push(item)
          else if (name === 'default' && !isCases)
            throw new KubedacError(
              'KDAC_E_DETECTOR_LOAD',
              `${file}: the default export is neither a detector (defineDetector) nor a collector (defineCollector)`,
            )
        }
      }
    } catch (e) {
      out.errors.push({
        source: file,
        code: e instanceof KubedacError ? e.code : 'KDAC_E_DETECTOR_LOAD',
        message: errorMessage(e).includes(file) ? errorMessage(e) : `${file}: ${errorMessage(e)}`,
      })
    }
  }
  // A suite loaded from `x.cases.ts` tests the detector from `x.ts`, which is the same object.
  return out
}

/** The built-in detectors: TypeScript ones and the YAML ones shipped beside them. */
export async function loadBuiltinDetectors(): Promise<Detector[]> {
  const yaml = await loadDirectory(BUILTIN_YAML_DIR)
  if (yaml.errors.length)
    throw new KubedacError('KDAC_E_DETECTOR_LOAD', yaml.errors.map((e) => e.message).join('; '))
  return sortById([...builtinTsDetectors, ...yaml.detectors])
}

/** The built-in detectors with their test cases. */
export async function loadBuiltinSuites(): Promise<DetectorSuite[]> {
  const yaml = await loadDirectory(BUILTIN_YAML_DIR, { withSuites: true })
  if (yaml.errors.length)
    throw new KubedacError('KDAC_E_DETECTOR_LOAD', yaml.errors.map((e) => e.message).join('; '))
  const ts = await Promise.all(builtinTsDetectors.map((d) => loadBuiltinCases(d.meta.id)))
  return [...ts, ...yaml.suites].sort((a, b) => a.detector.meta.id.localeCompare(b.detector.meta.id))
}

/** Detectors sorted by id, refusing two with the same id (ids are how users configure them). */
export function mergeDetectors(...groups: Detector[][]): Detector[] {
  const seen = new Map<string, Detector>()
  for (const d of groups.flat()) {
    const prev = seen.get(d.meta.id)
    if (prev)
      throw new KubedacError(
        'KDAC_E_DETECTOR_INVALID',
        `two detectors have the id ${d.meta.id}${prev.origin ? ` (${prev.origin})` : ' (built-in)'}${d.origin ? ` and ${d.origin}` : ''}`,
      )
    seen.set(d.meta.id, d)
  }
  return sortById([...seen.values()])
}

function sortById(ds: Detector[]): Detector[] {
  return [...ds].sort((a, b) => a.meta.id.localeCompare(b.meta.id))
}
