import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { ERRORS, errorMessage } from '../core/errors.js'
import type { ScanError } from '../core/types.js'
import type { ClusterTarget, LiveCluster } from './define.js'

/** Where a pod's service-account token, CA and namespace are mounted (in-cluster configuration). */
export const SERVICEACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount'

/**
 * The service-account directory in use: `KUBEDAC_SERVICEACCOUNT_DIR` when set (a sidecar mounting the
 * token elsewhere, or tests), else the standard mount.
 */
export function serviceAccountDir(): string {
  return process.env.KUBEDAC_SERVICEACCOUNT_DIR || SERVICEACCOUNT_DIR
}

/** Whether this process looks like it runs in a pod: the API's service variables and a token file. */
export function inClusterAvailable(): boolean {
  return !!process.env.KUBERNETES_SERVICE_HOST && existsSync(path.join(serviceAccountDir(), 'token'))
}

/**
 * The in-cluster configuration: `KUBERNETES_SERVICE_HOST`/`PORT`, the service-account token (re-read
 * as the kubelet rotates it) and CA from {@link serviceAccountDir}. Throws naming what is missing.
 */
export function loadInCluster(): KubeConfig {
  const host = process.env.KUBERNETES_SERVICE_HOST
  const port = process.env.KUBERNETES_SERVICE_PORT
  if (!host || !port)
    throw new Error(
      'in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not in a pod?)',
    )
  const dir = serviceAccountDir()
  for (const f of ['token', 'ca.crt'])
    if (!existsSync(path.join(dir, f))) throw new Error(`in-cluster: no service-account ${f} in ${dir}`)
  const kc = new KubeConfig()
  kc.loadFromCluster()
  // loadFromCluster only knows the standard mount: point the CA and token file at the one in use.
  const cluster = kc.clusters[0]
  const user = kc.users[0]
  if (cluster && user?.authProvider?.config) {
    kc.clusters = [{ ...cluster, caFile: path.join(dir, 'ca.crt') }]
    user.authProvider.config.tokenFile = path.join(dir, 'token')
  }
  return kc
}

/** The target for the pod's own cluster (`--in-cluster`). */
export function inClusterTarget(name = 'in-cluster'): ClusterTarget {
  return { name, source: 'in-cluster', kube: { context: 'inClusterContext', inCluster: true } }
}

/**
 * The kubeconfig of a live cluster with its context made current: loaded from memory (`load`), the
 * service account (`inCluster`) or the kubeconfig file(s). Throws with the reason it cannot.
 */
export async function kubeConfigFor(kube: LiveCluster): Promise<KubeConfig> {
  let kc: KubeConfig
  if (kube.load) {
    kc = await kube.load()
    if (kc.getContexts().some((c) => c.name === kube.context)) kc.setCurrentContext(kube.context)
    if (!kc.getCurrentContext()) throw new Error('the loaded kubeconfig has no current context')
  } else if (kube.inCluster) kc = loadInCluster()
  else {
    kc = loadKubeConfig(kube.kubeconfig)
    if (!kc.getContexts().some((c) => c.name === kube.context))
      throw new Error(`context ${JSON.stringify(kube.context)} not found`)
    kc.setCurrentContext(kube.context)
  }
  if (!kc.getCurrentCluster())
    throw new Error(`context ${JSON.stringify(kc.getCurrentContext())} names no cluster`)
  return kc
}

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
  if (inClusterAvailable()) return loadInCluster()
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
