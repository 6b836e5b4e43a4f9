import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { ERRORS, errorMessage } from '../core/errors.js'
import type { ScanError } from '../core/types.js'
import type { ClusterTarget } from './define.js'

/** Where the service-account token of a pod lives (in-cluster configuration). */
const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token'

/** Options naming the kubeconfig and the contexts to scan. */
export interface KubeTargetOptions {
  /** Kubeconfig file(s) (several joined by the path delimiter, as in `KUBECONFIG`); default: `KUBECONFIG`, `~/.kube/config`, in-cluster. */
  kubeconfig?: string
  /** The context to scan; default: the current one. */
  context?: string
  /** Scan every context of the kubeconfig. */
  allContexts?: boolean
}

/**
 * Loads a kubeconfig as kubectl does: the given file(s), else `KUBECONFIG` (several files merged),
 * else `~/.kube/config`, else the in-cluster service account. Throws when there is none.
 */
export function loadKubeConfig(kubeconfig?: string): KubeConfig {
  const kc = new KubeConfig()
  const files = (kubeconfig ?? process.env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f)
  if (files.length) {
    const existing = files.filter((f) => existsSync(f))
    // kubectl ignores missing files in KUBECONFIG, but an explicitly named single file must exist.
    if (!existing.length) throw new Error(`no kubeconfig file found at ${files.join(path.delimiter)}`)
    kc.loadFromFile(existing[0]!)
    // As kubectl merges: the first file naming a cluster, user, context or current context wins.
    for (const f of existing.slice(1)) {
      const more = new KubeConfig()
      more.loadFromFile(f)
      if (!kc.currentContext && more.currentContext) kc.currentContext = more.currentContext
      for (const c of more.clusters) if (!kc.clusters.some((x) => x.name === c.name)) kc.clusters.push(c)
      for (const u of more.users) if (!kc.users.some((x) => x.name === u.name)) kc.users.push(u)
      for (const c of more.contexts) if (!kc.contexts.some((x) => x.name === c.name)) kc.contexts.push(c)
    }
    return kc
  }
  const home = path.join(process.env.HOME || os.homedir(), '.kube', 'config')
  if (existsSync(home)) {
    kc.loadFromFile(home)
    return kc
  }
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SA_TOKEN)) {
    kc.loadFromCluster()
    return kc
  }
  throw new Error('no kubeconfig: set KUBECONFIG, create ~/.kube/config, or run inside a cluster')
}

/** The clusters a kubeconfig names: the given or current context, or every context. Never throws. */
export function kubeTargets(opts: KubeTargetOptions = {}): { targets: ClusterTarget[]; errors: ScanError[] } {
  const source = opts.kubeconfig ?? 'kubeconfig'
  const fail = (detail: string) => ({
    targets: [],
    errors: [
      { source, code: 'KDAC_E_KUBECONFIG', message: `${source}: ${ERRORS.KDAC_E_KUBECONFIG}: ${detail}` },
    ],
  })
  let kc: KubeConfig
  try {
    kc = loadKubeConfig(opts.kubeconfig)
  } catch (e) {
    return fail(errorMessage(e))
  }
  const names = kc.getContexts().map((c) => c.name)
  let chosen: string[]
  if (opts.allContexts) chosen = names
  else {
    const name = opts.context ?? kc.getCurrentContext()
    if (!name) return fail('no current context; name one with --context')
    if (!names.includes(name))
      return fail(`context ${JSON.stringify(name)} not found (known: ${names.join(', ') || 'none'})`)
    chosen = [name]
  }
  if (!chosen.length) return fail('no contexts')
  const targets = chosen.map((context): ClusterTarget => {
    const kube: { kubeconfig?: string; context: string } = { context }
    if (opts.kubeconfig !== undefined) kube.kubeconfig = opts.kubeconfig
    return { name: context, source: `kubeconfig:${context}`, kube }
  })
  return { targets, errors: [] }
}
