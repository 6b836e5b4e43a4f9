import { existsSync, readFileSync } from 'node:fs'
import { filesCollector } from '../collect/files.js'
import { resolveTargets } from '../collect/inventory.js'
import { loadFleet } from '../collect/fleet.js'
import { capiTargets } from '../collect/capi.js'
import { inClusterAvailable, inClusterTarget, kubeTargets } from '../collect/kubeconfig.js'
import { kubernetesCollector } from '../collect/kubernetes.js'
import type { ClusterTarget } from '../collect/define.js'
import { readStdin } from './stdin.js'
import type { Collector } from '../collect/define.js'
import { configureDetectors, loadConfig, type Config } from '../config/config.js'
import { KubedacError } from '../core/errors.js'
import type { ScanError } from '../core/types.js'
import type { Detector } from '../detect/define.js'
import type { ConfiguredDetector } from '../detect/engine.js'
import { loadBuiltinDetectors, loadDirectory, mergeDetectors } from '../detect/registry.js'

/** The package version, read once. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version

/** Options shared by the commands that run detectors. */
export interface RegistryOptions {
  detectors?: string[]
  collectors?: string[]
  config?: string
  enable?: string[]
  disable?: string[]
}

/** The detectors and collectors a command works with, after config. */
export interface Registry {
  all: Detector[]
  enabled: ConfiguredDetector[]
  collectors: Collector[]
  config: Config
  errors: ScanError[]
}

/** Splits repeatable, comma-separated flag values. */
export function listFlag(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
}

/** Loads built-ins, user directories and config; a broken user file is an error entry, not a crash. */
export async function loadRegistry(opts: RegistryOptions): Promise<Registry> {
  const errors: ScanError[] = []
  const user: Detector[] = []
  const collectors: Collector[] = [filesCollector, kubernetesCollector]
  for (const dir of [...(opts.detectors ?? []), ...(opts.collectors ?? [])]) {
    const l = await loadDirectory(dir)
    user.push(...l.detectors)
    collectors.push(...l.collectors)
    errors.push(...l.errors)
  }
  const all = mergeDetectors(await loadBuiltinDetectors(), user)
  const configPath = opts.config ?? (existsSync('kubedac.yaml') ? 'kubedac.yaml' : undefined)
  const config = configPath ? await loadConfig(configPath) : {}
  const enabled = configureDetectors(all, config, {
    enable: listFlag(opts.enable),
    disable: listFlag(opts.disable),
  })
  return { all, enabled, collectors, config, errors }
}

/** Parses `--now`; a usage error when it is not a time. */
export function parseNow(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined
  const t = Date.parse(text)
  if (Number.isNaN(t))
    throw new KubedacError('KDAC_E_USAGE', `--now ${JSON.stringify(text)} is not an RFC 3339 time`)
  return new Date(t)
}

/** Where the clusters come from: files and folders, kubeconfig contexts, a fleet file, Cluster API, in-cluster. */
export interface TargetOptions {
  cluster?: string
  fleet?: string
  kubeconfig?: string
  context?: string
  allContexts?: boolean
  /** The pod's own cluster, through its service account. */
  inCluster?: boolean
  /** A Cluster API management cluster: its workload clusters are scanned (reads their kubeconfig Secrets). */
  capiKubeconfig?: string
  capiContext?: string
  capiNamespace?: string
  /** The management cluster is the pod's own cluster. */
  capiInCluster?: boolean
}

/** Resolves file inputs, kubeconfig contexts and a fleet file into clusters; a usage error when there are none. */
export async function resolveAllTargets(
  inputs: string[],
  o: TargetOptions,
): Promise<{ targets: ClusterTarget[]; errors: ScanError[] }> {
  const live = o.kubeconfig !== undefined || o.context !== undefined || o.allContexts === true
  const capi = o.capiKubeconfig !== undefined || o.capiInCluster === true
  if (!capi && (o.capiContext !== undefined || o.capiNamespace !== undefined))
    throw new KubedacError(
      'KDAC_E_USAGE',
      '--capi-context and --capi-namespace need the management cluster: --capi-kubeconfig or --capi-in-cluster',
    )
  if (o.capiInCluster && o.capiKubeconfig !== undefined)
    throw new KubedacError('KDAC_E_USAGE', 'use either --capi-kubeconfig or --capi-in-cluster, not both')
  if (o.inCluster && live)
    throw new KubedacError('KDAC_E_USAGE', '--in-cluster takes no --kubeconfig, --context or --all-contexts')
  // In a pod, with nothing named and no kubeconfig in the environment, scan the pod's own cluster.
  const inCluster =
    o.inCluster === true ||
    (!inputs.length &&
      !live &&
      !capi &&
      o.fleet === undefined &&
      !process.env.KUBECONFIG &&
      inClusterAvailable())
  if (!inputs.length && !live && !capi && !inCluster && o.fleet === undefined)
    throw new KubedacError(
      'KDAC_E_USAGE',
      'name files or folders to scan, a cluster (--kubeconfig, --context, --all-contexts, --in-cluster), a fleet file (--fleet) or a Cluster API management cluster (--capi-kubeconfig)',
    )
  const fleet = o.fleet !== undefined ? await loadFleet(o.fleet) : { targets: [], errors: [] }
  const files = inputs.length
    ? await resolveTargets(inputs, { ...(o.cluster ? { cluster: o.cluster } : {}), stdin: readStdin })
    : { targets: [], errors: [] }
  const kube = live
    ? kubeTargets({
        ...(o.kubeconfig !== undefined ? { kubeconfig: o.kubeconfig } : {}),
        ...(o.context !== undefined ? { context: o.context } : {}),
        ...(o.allContexts ? { allContexts: true } : {}),
      })
    : { targets: [], errors: [] }
  const own = inCluster ? { targets: [inClusterTarget(o.cluster ?? 'in-cluster')], errors: [] } : undefined
  const workload = capi
    ? await capiTargets({
        ...(o.capiInCluster ? { inCluster: true } : {}),
        ...(o.capiKubeconfig !== undefined ? { kubeconfig: o.capiKubeconfig } : {}),
        ...(o.capiContext !== undefined ? { context: o.capiContext } : {}),
        ...(o.capiNamespace !== undefined ? { namespace: o.capiNamespace } : {}),
      })
    : { targets: [], errors: [] }
  return {
    targets: [
      ...files.targets,
      ...kube.targets,
      ...(own?.targets ?? []),
      ...fleet.targets,
      ...workload.targets,
    ],
    errors: [...files.errors, ...kube.errors, ...fleet.errors, ...workload.errors],
  }
}
