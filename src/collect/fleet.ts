import { readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { homedir } from 'node:os'
import { parseDocument } from 'yaml'
import { z } from 'zod'
import { ERRORS } from '../core/errors.js'
import type { ScanError } from '../core/types.js'
import { capiTargets } from './capi.js'
import type { ClusterTarget } from './define.js'

const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v))
const clusterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, 'must be letters, digits, . _ -'),
    kubeconfig: z.string().optional(),
    context: z.string().optional(),
    path: z.string().optional(),
    labels: z.record(z.string(), labelValue).optional(),
  })
  .strict()
  .refine((c) => (c.path === undefined) !== (c.kubeconfig === undefined && c.context === undefined), {
    message: 'needs either path (a dump or manifests) or kubeconfig/context (a live cluster), not both',
  })

/** A Cluster API management cluster whose workload clusters join the fleet (reads their kubeconfig Secrets). */
const clusterApiSchema = z
  .object({
    kubeconfig: z.string().optional(),
    context: z.string().optional(),
    inCluster: z.boolean().optional(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), labelValue).optional(),
  })
  .strict()
  .refine((c) => !(c.inCluster && (c.kubeconfig !== undefined || c.context !== undefined)), {
    message: 'inCluster: true takes no kubeconfig or context',
  })

/** The schema of `fleet.yaml`. */
export const fleetSchema = z
  .object({
    apiVersion: z.literal('kubedac.io/v1alpha1').optional(),
    kind: z.literal('Fleet').optional(),
    clusters: z.array(clusterSchema).optional(),
    clusterAPI: z.array(clusterApiSchema).optional(),
  })
  .strict()
  .refine((f) => (f.clusters?.length ?? 0) > 0 || (f.clusterAPI?.length ?? 0) > 0, {
    message: 'needs at least one cluster (or a clusterAPI source)',
    path: ['clusters'],
  })

function expand(p: string, base: string): string {
  const home = p === '~' || p.startsWith('~/') ? homedir() + p.slice(1) : p
  return isAbsolute(home) ? home : resolve(base, home)
}

/**
 * Reads a fleet file: the clusters to scan, live (kubeconfig and context) or offline (a path), with
 * labels (team, env, tier, owner) that later route notifications. Relative paths are relative to the
 * file. Problems are errors naming the file, the field and the line; a fleet with any is not used.
 */
export async function loadFleet(file: string): Promise<{ targets: ClusterTarget[]; errors: ScanError[] }> {
  const fail = (
    message: string,
    line?: number,
    column?: number,
  ): { targets: ClusterTarget[]; errors: ScanError[] } => ({
    targets: [],
    errors: [
      {
        source: file,
        code: 'KDAC_E_FLEET',
        message: `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${ERRORS.KDAC_E_FLEET}: ${message}`,
        ...(line ? { line } : {}),
        ...(column ? { column } : {}),
      },
    ],
  })
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    return fail(`cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`)
  }
  const doc = parseDocument(text, { keepSourceTokens: false })
  if (doc.errors.length) {
    const e = doc.errors[0]!
    return fail(e.message.split('\n')[0]!, e.linePos?.[0].line, e.linePos?.[0].col)
  }
  const parsed = fleetSchema.safeParse(doc.toJS())
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    // Point at the offending node when the path leads to one.
    const node = doc.getIn(issue.path as (string | number)[], true) as
      { range?: [number, number] } | undefined
    const line = node?.range ? text.slice(0, node.range[0]).split('\n').length : undefined
    return fail(`${issue.path.join('.') || '(root)'}: ${issue.message}`, line)
  }
  const seen = new Set<string>()
  const base = dirname(resolve(file))
  const targets: ClusterTarget[] = []
  for (const [i, c] of (parsed.data.clusters ?? []).entries()) {
    if (seen.has(c.name)) return fail(`clusters.${i}.name: ${JSON.stringify(c.name)} is used twice`)
    seen.add(c.name)
    const t: ClusterTarget = { name: c.name, source: `fleet:${c.name}` }
    if (c.labels) t.labels = c.labels
    if (c.path !== undefined) {
      t.paths = [expand(c.path, base)]
      t.source = c.path
    } else {
      t.kube = {
        context: c.context ?? c.name,
        ...(c.kubeconfig !== undefined ? { kubeconfig: expand(c.kubeconfig, base) } : {}),
      }
      t.source = `kubeconfig:${t.kube.context}`
    }
    targets.push(t)
  }
  // Workload clusters of Cluster API management clusters: discovered now, their Secrets read when scanned.
  const errors: ScanError[] = []
  for (const src of parsed.data.clusterAPI ?? []) {
    const found = await capiTargets({
      ...src,
      ...(src.kubeconfig !== undefined ? { kubeconfig: expand(src.kubeconfig, base) } : {}),
    })
    errors.push(...found.errors)
    for (const t of found.targets) {
      if (seen.has(t.name)) {
        errors.push({
          source: file,
          code: 'KDAC_E_FLEET',
          message: `${file}: ${ERRORS.KDAC_E_FLEET}: clusterAPI: cluster ${JSON.stringify(t.name)} (${t.source}) has the name of another cluster; not scanned twice`,
        })
        continue
      }
      seen.add(t.name)
      targets.push(t)
    }
  }
  return { targets, errors }
}
