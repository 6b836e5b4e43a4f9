import type { KubeObject } from '../core/types.js'
import { groupKindOfKey } from '../core/kinds.js'
import { defineDetector } from '../detect/define.js'
import { REMOVED_API_INDEX, REMOVED_API_KIND_KEYS, minorVersion, type RemovedApi } from './lib/reliability.js'

// One list per version-free kind, whatever version each object was read in.
const KINDS_TO_LIST = [...new Map(REMOVED_API_KIND_KEYS.map((k) => [groupKindOfKey(k), k])).values()]
const CORE_EVENT = 'v1/Event'
const EVENTS_API_EVENT = 'events.k8s.io/v1/Event'
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'
// kubectl writes the annotation as compact JSON with sorted keys: the top-level apiVersion comes first.
const APPLIED_API_VERSION = /^\s*\{\s*"apiVersion"\s*:\s*"([^"]+)"/

function appliedApiVersion(obj: KubeObject): string | undefined {
  const a = obj.metadata.annotations?.[LAST_APPLIED]
  if (typeof a !== 'string') return undefined
  return APPLIED_API_VERSION.exec(a.slice(0, 200))?.[1]
}

export default defineDetector({
  meta: {
    id: 'deprecated-api-version',
    title: 'Object uses an API version that Kubernetes has removed',
    description:
      'Kubernetes stops serving old API versions (extensions/v1beta1, policy/v1beta1, autoscaling/v2beta2, batch/v1beta1…) after deprecating them. A manifest still written in such a version is rejected by clusters from that release on ("no matches for kind … in version …"): the deploy pipeline breaks right after an upgrade, or the upgrade itself is blocked by a pre-flight check. Objects already stored keep working, but re-applying their old manifest fails. Rendered manifests in CI are the main place to catch this.',
    severity: 'warning',
    category: 'reliability',
    requires: [],
    // A live scan reads events.k8s.io Events as the core Events they are (one object under two
    // APIs, see SUCCESSOR_KINDS): their last-applied manifest is checked there.
    requiresAny: [...REMOVED_API_KIND_KEYS, CORE_EVENT],
    messages: {
      removed:
        '{{kind}} {{name}} uses {{apiVersion}}, which Kubernetes stopped serving in {{removedIn}}: use {{replacement}} (the fields may differ).',
      removedNoReplacement:
        '{{kind}} {{name}} uses {{apiVersion}}, which Kubernetes stopped serving in {{removedIn}} without a successor API: the object is rejected from that release on; use {{replacement}} instead.',
      lastApplied:
        '{{kind}} {{name}} was last applied from a manifest in {{apiVersion}}, which Kubernetes stopped serving in {{removedIn}}: re-applying that manifest will fail; update it to {{replacement}}.',
    },
    remediation:
      'Update every manifest, Helm chart or Kustomize base that writes {{kind}} {{name}} in {{apiVersion}}: use {{replacement}}, following the migration guide (fields may have moved; `kubectl explain` shows the fields of a version, and the kubectl-convert plugin rewrites a file: `kubectl convert -f <file> --output-version <group/version>`). `kubectl api-versions` lists what the cluster serves. Apply the updated manifest before the upgrade to {{removedIn}}.',
    references: [
      'https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
      'https://kubernetes.io/docs/reference/using-api/deprecation-policy/',
    ],
    params: {
      targetVersion: {
        default: '',
        description:
          'The Kubernetes version you run or are upgrading to (`1.29`): only APIs removed in it or earlier are reported. Empty: every removed API.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const target = minorVersion(params.targetVersion)
    const relevant = (api: RemovedApi): boolean => {
      if (!target) return true
      const v = minorVersion(api.removedIn)
      return !!v && (v[0] < target[0] || (v[0] === target[0] && v[1] <= target[1]))
    }
    const lists = KINDS_TO_LIST.filter((key) => snapshot.has(key)).map((key) => snapshot.list(key))
    if (!snapshot.has(EVENTS_API_EVENT) && snapshot.has(CORE_EVENT)) lists.push(snapshot.list(CORE_EVENT))
    for (const list of lists) {
      for (const obj of list) {
        let api = REMOVED_API_INDEX.get(`${obj.apiVersion}/${obj.kind}`)
        let messageId = 'removed'
        const evidence: Record<string, unknown> = { apiVersion: obj.apiVersion }
        if (!api) {
          // Served in a current version, but kept alive by an old manifest?
          const applied = appliedApiVersion(obj)
          if (applied === undefined || applied === obj.apiVersion) continue
          api = REMOVED_API_INDEX.get(`${applied}/${obj.kind}`)
          if (!api) continue
          messageId = 'lastApplied'
          evidence.lastAppliedApiVersion = applied
        } else if (!api.replacement) messageId = 'removedNoReplacement'
        if (!relevant(api)) continue
        evidence.removedIn = api.removedIn
        if (api.replacement) evidence.replacement = api.replacement
        report({
          object: obj,
          messageId,
          data: {
            apiVersion: api.apiVersion,
            removedIn: api.removedIn,
            replacement: api.replacement ?? api.instead ?? 'what the migration guide recommends',
          },
          evidence,
        })
      }
    }
  },
})
