// API discovery as kube-apiserver v1.32 serves it, built from its aggregated discovery documents
// (builtin-api.ts, recorded from a real v1.32.13 server): the aggregated form (apidiscovery.k8s.io/v2)
// for clients that ask for it, the legacy form (/api, /apis, /api/v1, /apis/<group>/<version>) otherwise.
import {
  AGGREGATED_CORE,
  AGGREGATED_GROUPS,
  type DiscoveryGroup,
  type DiscoveryResource,
} from './builtin-api.js'
import { hex } from './random.js'

/** One listable resource of the simulated API. */
export interface SimResource {
  /** Plural name (`deployments`). */
  name: string
  kind: string
  namespaced: boolean
  verbs: string[]
  singular: string
  shortNames?: string[]
  categories?: string[]
  subresources: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[]
}

/** A served group version and its resources. */
export interface SimGroupVersion {
  version: string
  resources: Map<string, SimResource>
}

/** A served group (`''` is the core group) and its versions, preferred first. */
export interface SimGroup {
  name: string
  versions: Map<string, SimGroupVersion>
  preferred: string
}

function toResource(r: DiscoveryResource): SimResource {
  const out: SimResource = {
    name: r.resource,
    kind: r.responseKind.kind,
    namespaced: r.scope === 'Namespaced',
    verbs: r.verbs,
    singular: r.singularResource,
    subresources: (r.subresources ?? []).map((s) => ({
      name: s.subresource,
      kind: s.responseKind.kind,
      ...(s.responseKind.group ? { group: s.responseKind.group } : {}),
      ...(s.responseKind.version ? { version: s.responseKind.version } : {}),
      verbs: s.verbs,
    })),
  }
  if (r.shortNames) out.shortNames = r.shortNames
  if (r.categories) out.categories = r.categories
  return out
}

function toGroup(g: DiscoveryGroup, name: string): SimGroup {
  const versions = new Map<string, SimGroupVersion>()
  for (const v of g.versions)
    versions.set(v.version, {
      version: v.version,
      resources: new Map(v.resources.map((r) => [r.resource, toResource(r)])),
    })
  return { name, versions, preferred: g.versions[0]!.version }
}

/** Every group the simulated API server serves, by name (`''` for the core group). */
export const BUILTIN_GROUPS: ReadonlyMap<string, SimGroup> = new Map([
  ['', toGroup(AGGREGATED_CORE.items[0]!, '')],
  ...AGGREGATED_GROUPS.items.map((g): [string, SimGroup] => [g.metadata.name!, toGroup(g, g.metadata.name!)]),
])

const aggregatedCore = JSON.stringify(AGGREGATED_CORE)
const aggregatedGroups = JSON.stringify(AGGREGATED_GROUPS)

/** The aggregated discovery document of `/api` (`core`) or `/apis` (`groups`). */
export function aggregatedDiscovery(which: 'core' | 'groups'): string {
  return which === 'core' ? aggregatedCore : aggregatedGroups
}

/** The legacy `/api` document. */
export function apiVersions(): string {
  return JSON.stringify({
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
  })
}

const groupList = JSON.stringify({
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [...BUILTIN_GROUPS.values()]
    .filter((g) => g.name !== '')
    .map((g) => ({
      name: g.name,
      versions: [...g.versions.keys()].map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${g.name}/${g.preferred}`, version: g.preferred },
    })),
})

/** The legacy `/apis` document. */
export function apiGroupList(): string {
  return groupList
}

const resourceLists = new Map<string, string>()

/** The legacy `/api/v1` or `/apis/<group>/<version>` document. */
export function resourceList(group: string, version: string): string {
  const key = `${group}/${version}`
  let doc = resourceLists.get(key)
  if (doc) return doc
  const gv = BUILTIN_GROUPS.get(group)?.versions.get(version)
  if (!gv) throw new Error(`not served: ${key}`)
  const resources: Record<string, unknown>[] = []
  for (const r of gv.resources.values()) {
    const e: Record<string, unknown> = {
      name: r.name,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    }
    if (r.shortNames) e.shortNames = r.shortNames
    if (r.categories) e.categories = r.categories
    if (r.verbs.includes('list')) e.storageVersionHash = hex(7, 11, 'svh', key, r.name)
    resources.push(e)
    for (const s of r.subresources) {
      const se: Record<string, unknown> = {
        name: `${r.name}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
      }
      if (s.group !== undefined) se.group = s.group
      if (s.version !== undefined) se.version = s.version
      se.kind = s.kind
      se.verbs = s.verbs
      resources.push(se)
    }
  }
  resources.sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1))
  doc = JSON.stringify({
    kind: 'APIResourceList',
    ...(group ? { apiVersion: 'v1' } : {}),
    groupVersion: group ? key : 'v1',
    resources,
  })
  resourceLists.set(key, doc)
  return doc
}
