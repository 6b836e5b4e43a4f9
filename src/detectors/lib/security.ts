import type { KubeObject } from '../../core/types.js'
import type { DetectContext, Params, ParamSpec } from '../../detect/define.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import { paramList } from './k8s.js'
import { podTemplates } from './workloads.js'

// Specs are untyped JSON; these helpers hand them on as they are.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

/**
 * Namespaces whose pods are platform components that legitimately run privileged, on the host
 * network or with hostPath volumes (kube-proxy, CNI and CSI node agents, node exporters, log
 * shippers, GitOps controllers): security detectors stay quiet there unless configured otherwise.
 */
export const SYSTEM_NAMESPACES: string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'calico-system',
  'calico-apiserver',
  'tigera-operator',
  'kube-flannel',
  'cilium',
  'istio-system',
  'linkerd',
  'cert-manager',
  'ingress-nginx',
  'monitoring',
  'logging',
  'gatekeeper-system',
  'kyverno',
  'longhorn-system',
  'rook-ceph',
  'metallb-system',
  'gpu-operator',
  'argocd',
  'flux-system',
]

/** The namespace parameters every security detector of pod templates or RBAC subjects takes. */
export const SYSTEM_NAMESPACE_PARAMS: Record<string, ParamSpec> = {
  systemNamespaces: {
    default: SYSTEM_NAMESPACES,
    description:
      'Namespaces of platform components (CNI, CSI, kube-proxy, monitoring agents, GitOps controllers) that legitimately need this access: not reported. Set to [] to audit them too.',
  },
  systemNamespacePrefixes: {
    default: ['kube-'],
    description: 'Namespaces starting with one of these count as system namespaces too.',
  },
}

/**
 * Containers that a service mesh injects into every meshed pod to set up traffic redirection: they
 * need NET_ADMIN and NET_RAW and run as root by design, and the workload's owners cannot change them.
 */
export const MESH_INIT_CONTAINERS: string[] = ['istio-init', 'istio-validation', 'linkerd-init']

/** The parameter naming containers that per-container checks skip. */
export const EXEMPT_CONTAINERS_PARAM: Record<string, ParamSpec> = {
  exemptContainers: {
    default: MESH_INIT_CONTAINERS,
    description:
      'Container names this check skips: the init containers a service mesh injects (they need these rights by design and are configured by the mesh, not by you).',
  },
}

/** Whether a namespace is a system namespace under the detector's parameters; built once per run. */
export function systemNamespaceTest(params: Params): (namespace: string) => boolean {
  const names = new Set(paramList(params.systemNamespaces))
  const prefixes = paramList(params.systemNamespacePrefixes)
  return (ns) => {
    // A damaged manifest may hold anything in metadata.namespace.
    if (typeof ns !== 'string') return false
    if (names.has(ns)) return true
    for (const p of prefixes) if (ns.startsWith(p)) return true
    return false
  }
}

/** The set of container names to skip, from `exemptContainers`. */
export function exemptContainerSet(params: Params): Set<string> {
  return new Set(paramList(params.exemptContainers))
}

/** Windows pods have no Linux security settings (capabilities, seccomp, read-only root, UIDs). */
export function isWindowsPod(spec: Loose): boolean {
  return spec?.os?.name === 'windows'
}

/**
 * Calls `fn` for each named container of a pod spec, init containers first, without allocating:
 * the security detectors each walk every pod template of the cluster.
 */
export function forEachContainer(spec: Loose, fn: (c: Loose, name: string, init: boolean) => void): void {
  if (!spec || typeof spec !== 'object') return
  const init = spec.initContainers
  if (Array.isArray(init))
    for (const c of init) if (c && typeof c === 'object' && typeof c.name === 'string') fn(c, c.name, true)
  const app = spec.containers
  if (Array.isArray(app))
    for (const c of app) if (c && typeof c === 'object' && typeof c.name === 'string') fn(c, c.name, false)
}

/** A container's `securityContext`, or undefined when absent or not an object. */
export function containerSecurity(c: Loose): Record<string, Loose> | undefined {
  const sc = c?.securityContext
  return sc && typeof sc === 'object' && !Array.isArray(sc) ? sc : undefined
}

/** A pod spec's `securityContext`, or undefined when absent or not an object. */
export function podSecurity(spec: Loose): Record<string, Loose> | undefined {
  const sc = spec?.securityContext
  return sc && typeof sc === 'object' && !Array.isArray(sc) ? sc : undefined
}

/** A container a per-container hygiene check flagged, with the fields that prove it. */
export type Flagged = { container: string; init: boolean } & Record<string, unknown>

/** How a per-container hygiene check reports. */
export interface FlaggedContainerCheck {
  /** The evidence fields of a container that fails the check, or undefined when it passes. */
  check: (
    container: Record<string, Loose> | undefined,
    pod: Record<string, Loose> | undefined,
  ) => Record<string, unknown> | undefined
  messageId: string
  /** A sharper message for some of the flagged containers (run as UID 0, seccomp Unconfined): it names only those. */
  sharp?: { messageId: string; test: (f: Flagged) => boolean }
  /** Pod-level evidence added beside the containers. */
  podEvidence?: (pod: Record<string, Loose> | undefined) => Record<string, unknown>
}

/**
 * The shape the securityContext hygiene detectors share: every workload's pod template outside
 * system namespaces (Windows pods aside), each container checked against its own and the pod's
 * securityContext, one finding per workload naming the containers that fail.
 */
export function reportFlaggedContainers(
  { snapshot, report, params }: DetectContext,
  opts: FlaggedContainerCheck,
): void {
  const system = systemNamespaceTest(params)
  const exempt = exemptContainerSet(params)
  for (const t of podTemplates(snapshot)) {
    if (system(t.namespace) || isWindowsPod(t.spec)) continue
    const pod = podSecurity(t.spec)
    const found: Flagged[] = []
    forEachContainer(t.spec, (c, name, init) => {
      if (exempt.has(name)) return
      const e = opts.check(containerSecurity(c), pod)
      if (e) found.push({ container: name, init, ...e })
    })
    if (found.length === 0) continue
    const sharp = opts.sharp ? found.filter(opts.sharp.test) : []
    const named = sharp.length ? sharp : found
    report({
      object: t.owner,
      messageId: sharp.length ? opts.sharp!.messageId : opts.messageId,
      data: { containers: named.map((f) => f.container).join(', ') },
      evidence: { containers: found, ...opts.podEvidence?.(pod) },
    })
  }
}

/** Where a workload kind keeps its pod spec, for messages and `kubectl patch`. */
export function templatePath(kind: string): string {
  if (kind === 'Pod') return 'spec'
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.spec'
  return 'spec.template.spec'
}

// --- secrets in plain text -------------------------------------------------------------------

/**
 * Names that say "this holds a credential": PASSWORD, PASSWD, SECRET, TOKEN, API_KEY/APIKEY,
 * PRIVATE_KEY, ACCESS_KEY, in any case, with `_`, `-` or `.` (or nothing) between the words.
 */
export const SENSITIVE_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API[-_.]?KEY|PRIVATE[-_.]?KEY|ACCESS[-_.]?KEY/i

/**
 * Names that mention a credential but hold something else: where it is (a file, a path, a Secret's
 * name, a URL), or a setting about it (a lifetime, a length, a switch). `AWS_ACCESS_KEY_ID` is an
 * identifier, not the secret half.
 */
export const NOT_A_SECRET_NAME =
  /[-_.](FILE|PATH|DIR|NAME|REF|KEY_?ID|ID|URL|URI|ENDPOINT|HOST|PORT|HEADER|TTL|TIMEOUT|EXPIRY|EXPIRATION|LIFETIME|SECONDS|LENGTH|SIZE|ENABLED|DISABLED|ENABLE|DISABLE|MOUNT|LOCATION|FIELD|TYPE|KIND|REGION)S?$/i

// Values that cannot be a credential: a reference to another variable, a path, a switch.
const NOT_A_SECRET_VALUE =
  /^(\$\([A-Za-z_][\w.-]*\)|\/[^\s]*|true|false|yes|no|on|off|enabled|disabled|none|null)$/i

/** Whether a variable or key name looks like it holds a credential. */
export function looksSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name) && !NOT_A_SECRET_NAME.test(name)
}

/** Whether a value could be a credential (it is not empty, a `$(VAR)` reference, a path or a switch). */
export function couldBeSecretValue(value: string): boolean {
  return value.trim() !== '' && !NOT_A_SECRET_VALUE.test(value.trim())
}

// --- RBAC ------------------------------------------------------------------------------------

/** The kind keys of RBAC, as the RBAC detectors declare them. */
export const RBAC = {
  clusterRole: 'rbac.authorization.k8s.io/v1/ClusterRole',
  role: 'rbac.authorization.k8s.io/v1/Role',
  clusterRoleBinding: 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  roleBinding: 'rbac.authorization.k8s.io/v1/RoleBinding',
} as const

/** The RBAC parameters: system namespaces (for service accounts) and trusted name prefixes. */
export const RBAC_SUBJECT_PARAMS: Record<string, ParamSpec> = {
  ...SYSTEM_NAMESPACE_PARAMS,
  trustedSubjectPrefixes: {
    default: ['system:', 'kubeadm:', 'eks:'],
    description:
      "Users and groups whose name starts with one of these belong to Kubernetes or the provider (system:masters, kubeadm's kubeadm:cluster-admins, EKS's eks:*): not reported.",
  },
}

/** A subject of a binding, as found. */
export interface Subject {
  kind: string
  name: string
  /** For service accounts: their namespace (the binding's when unset). */
  namespace?: string
}

/** What a role allows that the RBAC detectors look for. */
export interface RoleGrants {
  /** Every verb on every resource of every API group (cluster-admin or an equivalent). */
  fullAccess: boolean
  /** `pods/exec`, `pods/attach` (or a wildcard covering them) with `create`. */
  podsExec: string[]
  /** `get`, `list`, `watch` on `secrets`, not limited to named Secrets. */
  secretsRead: string[]
}

/** A binding with its role resolved and analysed. */
export interface RbacBinding {
  binding: KubeObject
  /** `ClusterRoleBinding` (cluster-wide) or `RoleBinding` (one namespace). */
  clusterWide: boolean
  roleKind: string
  roleName: string
  /** The role, when it was collected. */
  role: KubeObject | undefined
  grants: RoleGrants
  subjects: Subject[]
}

const NO_GRANTS: RoleGrants = Object.freeze({
  fullAccess: false,
  podsExec: [],
  secretsRead: [],
}) as RoleGrants

function strings(v: unknown): string[] {
  if (!Array.isArray(v)) return []
  const out: string[] = []
  for (const x of v) if (typeof x === 'string') out.push(x)
  return out
}

/** Analyses a role's rules once. */
export function grantsOf(role: KubeObject | undefined): RoleGrants {
  const rules: unknown = (role as Loose)?.rules
  if (!Array.isArray(rules)) return NO_GRANTS
  let fullAccess = false
  const exec = new Set<string>()
  const secrets = new Set<string>()
  for (const r of rules) {
    if (!r || typeof r !== 'object') continue
    const groups = strings(r.apiGroups)
    const resources = strings(r.resources)
    const verbs = strings(r.verbs)
    const anyVerb = verbs.includes('*')
    const anyResource = resources.includes('*')
    const named = Array.isArray(r.resourceNames) && r.resourceNames.length > 0
    if (anyVerb && anyResource && groups.includes('*') && !named) fullAccess = true
    if (!groups.includes('') && !groups.includes('*')) continue
    if (anyVerb || verbs.includes('create'))
      for (const sub of ['pods/exec', 'pods/attach'])
        if (anyResource || resources.includes(sub) || resources.includes('pods/*')) exec.add(sub)
    if (!named && (anyResource || resources.includes('secrets')))
      for (const v of ['get', 'list', 'watch']) if (anyVerb || verbs.includes(v)) secrets.add(v)
  }
  if (!fullAccess && exec.size === 0 && secrets.size === 0) return NO_GRANTS
  return { fullAccess, podsExec: [...exec], secretsRead: [...secrets] }
}

function subjectsOf(binding: KubeObject): Subject[] {
  const list: unknown = (binding as Loose).subjects
  if (!Array.isArray(list)) return []
  const out: Subject[] = []
  for (const s of list) {
    if (!s || typeof s.kind !== 'string' || typeof s.name !== 'string') continue
    if (s.kind === 'ServiceAccount')
      out.push({
        kind: s.kind,
        name: s.name,
        namespace:
          typeof s.namespace === 'string' && s.namespace ? s.namespace : (binding.metadata.namespace ?? ''),
      })
    else out.push({ kind: s.kind, name: s.name })
  }
  return out
}

/**
 * Every RoleBinding and ClusterRoleBinding with its role resolved and analysed, computed once per
 * snapshot. A detector calling it must declare the four RBAC kinds (requires, requiresAny or optional).
 */
export function rbacBindings(snapshot: Snapshot): readonly RbacBinding[] {
  return snapshot.memo('security/rbacBindings', () => {
    const cache = new Map<KubeObject, RoleGrants>()
    const analyse = (role: KubeObject | undefined): RoleGrants => {
      if (!role) return NO_GRANTS
      let g = cache.get(role)
      if (!g) cache.set(role, (g = grantsOf(role)))
      return g
    }
    const out: RbacBinding[] = []
    for (const [kindKey, clusterWide] of [
      [RBAC.clusterRoleBinding, true],
      [RBAC.roleBinding, false],
    ] as const) {
      for (const b of snapshot.list(kindKey)) {
        const ref = (b as Loose).roleRef
        if (!ref || typeof ref.name !== 'string' || typeof ref.kind !== 'string') continue
        let role: KubeObject | undefined
        if (ref.kind === 'ClusterRole') role = snapshot.get(RBAC.clusterRole, undefined, ref.name)
        else if (ref.kind === 'Role' && !clusterWide)
          role = snapshot.get(RBAC.role, b.metadata.namespace, ref.name)
        else continue
        out.push({
          binding: b,
          clusterWide,
          roleKind: ref.kind,
          roleName: ref.name,
          role,
          grants: analyse(role),
          subjects: subjectsOf(b),
        })
      }
    }
    return out
  })
}

/** Tells whether a subject belongs to Kubernetes, the provider or a platform namespace; built once per run. */
export function trustedSubjectTest(params: Params): (s: Subject) => boolean {
  const system = systemNamespaceTest(params)
  const prefixes = paramList(params.trustedSubjectPrefixes)
  return (s) => {
    if (s.kind === 'ServiceAccount') return system(s.namespace ?? '')
    // A User named system:serviceaccount:<ns>:<name> is a service account, whatever the prefixes say.
    if (s.kind === 'User' && s.name.startsWith('system:serviceaccount:'))
      return system(s.name.split(':')[2] ?? '')
    for (const p of prefixes) if (s.name.startsWith(p)) return true
    return false
  }
}

/** `ServiceAccount shop/cart`, `User alice`, `Group team-shop`: the subject for people. */
export function subjectLabel(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`
}

/** The fingerprint key of a subject. */
export function subjectKey(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`
}

/** The `kubectl auth can-i` impersonation flags for a subject. */
export function impersonation(s: Subject): string {
  if (s.kind === 'ServiceAccount') return `--as=system:serviceaccount:${s.namespace}:${s.name}`
  if (s.kind === 'Group') return `--as=someone --as-group=${s.name}`
  return `--as=${s.name}`
}

/** The message and remediation data for a finding about a binding and one of its subjects. */
export function bindingData(b: RbacBinding, s: Subject): Record<string, string> {
  const ns = b.binding.metadata.namespace ?? ''
  return {
    subject: subjectLabel(s),
    role: b.roleName,
    roleKind: b.roleKind,
    scope: b.clusterWide ? 'in every namespace' : `in namespace ${ns}`,
    nsFlag: b.clusterWide ? '' : ` -n ${ns}`,
    scopeFlag: b.clusterWide ? ' --all-namespaces' : ` -n ${ns}`,
    as: impersonation(s),
  }
}

/** The evidence of a binding finding: the binding, its role reference and the subject. */
export function bindingEvidence(b: RbacBinding, s: Subject, rules?: unknown): Record<string, unknown> {
  const e: Record<string, unknown> = {
    binding: {
      kind: b.binding.kind,
      name: b.binding.metadata.name,
      ...(b.binding.metadata.namespace ? { namespace: b.binding.metadata.namespace } : {}),
    },
    roleRef: { kind: b.roleKind, name: b.roleName },
    subject: { kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) },
  }
  if (rules !== undefined) e.rules = rules
  return e
}

/** The rules of a role that grant access to one of `resources`, for evidence (at most 5). */
export function rulesAbout(role: KubeObject | undefined, resources: readonly string[]): unknown[] {
  const rules: unknown = (role as Loose)?.rules
  if (!Array.isArray(rules)) return []
  const out: unknown[] = []
  for (const r of rules) {
    if (!r || typeof r !== 'object') continue
    const res = strings(r.resources)
    if (res.includes('*') || res.some((x) => resources.includes(x))) {
      out.push({ apiGroups: strings(r.apiGroups), resources: res, verbs: strings(r.verbs) })
      if (out.length >= 5) break
    }
  }
  return out
}

/**
 * Service accounts that some binding grants something, computed once per snapshot: by
 * `namespace/name`, plus namespaces whose every service account is bound through the group
 * `system:serviceaccounts:<ns>` (and `all` for the group `system:serviceaccounts`). Kubernetes' own
 * bindings (named `system:…`) do not count for groups: every cluster binds all service accounts to
 * service-account-issuer discovery.
 */
export interface BoundServiceAccounts {
  byName: Set<string>
  namespaces: Set<string>
  all: boolean
}

/** See {@link BoundServiceAccounts}; the caller declares RoleBinding and ClusterRoleBinding. */
export function boundServiceAccounts(snapshot: Snapshot): BoundServiceAccounts {
  return snapshot.memo('security/boundServiceAccounts', () => {
    const out: BoundServiceAccounts = { byName: new Set(), namespaces: new Set(), all: false }
    for (const kindKey of [RBAC.clusterRoleBinding, RBAC.roleBinding]) {
      for (const b of snapshot.list(kindKey)) {
        const list: unknown = (b as Loose).subjects
        if (!Array.isArray(list)) continue
        const builtin = typeof b.metadata.name === 'string' && b.metadata.name.startsWith('system:')
        for (const s of list) {
          if (!s || typeof s.name !== 'string') continue
          if (s.kind === 'ServiceAccount') {
            const ns =
              typeof s.namespace === 'string' && s.namespace ? s.namespace : (b.metadata.namespace ?? '')
            out.byName.add(`${ns}/${s.name}`)
          } else if (s.kind === 'User' && s.name.startsWith('system:serviceaccount:')) {
            const [, , ns, name] = s.name.split(':')
            if (ns && name) out.byName.add(`${ns}/${name}`)
          } else if (s.kind === 'Group' && !builtin) {
            if (s.name === 'system:serviceaccounts') out.all = true
            else if (s.name.startsWith('system:serviceaccounts:'))
              out.namespaces.add(s.name.slice('system:serviceaccounts:'.length))
          }
        }
      }
    }
    return out
  })
}

// --- fixtures for the cases ------------------------------------------------------------------

/** A container for test cases, with an optional securityContext and extra fields. */
export function container(
  name: string,
  securityContext?: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    image: `registry.example.com/${name}:1.0`,
    ...(securityContext ? { securityContext } : {}),
    ...extra,
  }
}

/** A container hardened the way the restricted Pod Security Standard asks. */
export function hardenedContainer(
  name = 'app',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return container(
    name,
    {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    extra,
  )
}

/**
 * A workload of any pod-template kind for test cases, with the given pod spec (a Pod's own spec,
 * a CronJob's job template, the template of the others).
 */
export function workload(
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob' | 'Pod',
  name: string,
  spec: Record<string, unknown>,
  namespace = 'default',
): KubeObject {
  const apiVersion = kind === 'Pod' ? 'v1' : kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1'
  const metadata = {
    name,
    namespace,
    uid: `uid-${kind.toLowerCase()}-${namespace}-${name}`,
    creationTimestamp: '2026-01-01T00:00:00Z',
  }
  const template = { metadata: { labels: { app: name } }, spec }
  if (kind === 'Pod') return { apiVersion, kind, metadata: { ...metadata, labels: { app: name } }, spec }
  if (kind === 'CronJob')
    return {
      apiVersion,
      kind,
      metadata,
      spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template } } },
    }
  if (kind === 'Job') return { apiVersion, kind, metadata, spec: { template } }
  return { apiVersion, kind, metadata, spec: { selector: { matchLabels: { app: name } }, template } }
}

/** A ServiceAccount for test cases, optionally with automountServiceAccountToken set. */
export function serviceAccount(name: string, namespace = 'default', automount?: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, uid: `uid-sa-${namespace}-${name}` },
    ...(automount !== undefined ? { automountServiceAccountToken: automount } : {}),
  }
}

/** A subject for bindings in test cases: `sa('shop', 'cart')`, `user('alice')`, `group('team')`. */
export const sa = (namespace: string, name: string) => ({ kind: 'ServiceAccount', name, namespace })
/** A User subject. */
export const user = (name: string) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name })
/** A Group subject. */
export const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name })

/** A ClusterRole (or, with a namespace, a Role) for test cases. */
export function role(name: string, rules: Record<string, unknown>[], namespace?: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: namespace ? 'Role' : 'ClusterRole',
    metadata: { name, ...(namespace ? { namespace } : {}), uid: `uid-role-${namespace ?? ''}-${name}` },
    rules,
  }
}

/** A ClusterRoleBinding (or, with a namespace, a RoleBinding) of a role to subjects, for test cases. */
export function binding(
  name: string,
  roleRef: { kind: 'ClusterRole' | 'Role'; name: string },
  subjects: Record<string, unknown>[],
  namespace?: string,
): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: { name, ...(namespace ? { namespace } : {}), uid: `uid-binding-${namespace ?? ''}-${name}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  }
}
