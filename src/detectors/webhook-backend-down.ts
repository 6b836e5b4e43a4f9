import { defineDetector } from '../detect/define.js'
import { humanDuration, parseDuration } from './lib/k8s.js'
import {
  ENDPOINT_KINDS,
  NODE,
  POD,
  SERVICE,
  TEMPLATE_KINDS,
  endpointsOf,
  explainNoEndpoints,
  isPodReady,
  nameList,
  podsForSelector,
  serviceSelector,
  sinceNewest,
} from './lib/networking.js'

// Specs are untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

const VALIDATING = 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration'
const MUTATING = 'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration'

// What a webhook intercepts, for people: "CREATE, UPDATE of pods, deployments.apps".
function intercepts(rules: unknown): { text: string; rules: unknown[] } {
  if (!Array.isArray(rules) || rules.length === 0) return { text: 'no request (it has no rules)', rules: [] }
  const ops = new Set<string>()
  const resources = new Set<string>()
  for (const r of rules) {
    if (!r || typeof r !== 'object') continue
    for (const o of Array.isArray(r.operations) ? r.operations : []) if (typeof o === 'string') ops.add(o)
    const groups: string[] = Array.isArray(r.apiGroups)
      ? r.apiGroups.filter((g: unknown) => typeof g === 'string')
      : []
    for (const res of Array.isArray(r.resources) ? r.resources : []) {
      if (typeof res !== 'string') continue
      if (groups.length === 0 || groups.every((g) => g === '')) resources.add(res)
      else
        for (const g of groups)
          resources.add(g === '' ? res : g === '*' ? `${res} (all groups)` : `${res}.${g}`)
    }
  }
  const opText = ops.has('*') ? 'every operation' : [...ops].join(', ') || 'no operation'
  const resText =
    resources.has('*') || resources.has('* (all groups)') || resources.has('*/*')
      ? 'every resource'
      : nameList([...resources], 4)
  return { text: `${opText} on ${resText}`, rules: rules.slice(0, 5) }
}

export default defineDetector({
  meta: {
    id: 'webhook-backend-down',
    title: 'Admission webhook that fails closed has no backend',
    description:
      'An admission webhook is called by the API server on every matching create, update or delete. With failurePolicy Fail (the default in admissionregistration.k8s.io/v1), a webhook that cannot be reached rejects the request: when its Service is missing or has no ready pod, every matching write in the cluster fails, including the rollouts, scale-ups and pod replacements of unrelated teams, and sometimes the webhook own pods, so it cannot heal by itself.',
    severity: 'critical',
    category: 'networking',
    requires: [SERVICE],
    requiresAny: [VALIDATING, MUTATING],
    optional: [...ENDPOINT_KINDS, POD, NODE, ...TEMPLATE_KINDS],
    messages: {
      serviceMissing:
        '{{configKind}} {{name}}: webhook {{webhook}} fails closed and calls Service {{service}}, which does not exist, so the API server rejects {{intercepts}}{{scope}}.',
      noEndpoints:
        '{{configKind}} {{name}}: webhook {{webhook}} fails closed and its Service {{service}} has had no ready endpoint for {{for}}{{cause}}, so the API server rejects {{intercepts}}{{scope}}.',
    },
    remediation:
      'Restore the webhook backend: `kubectl get pods,endpointslices -n {{serviceNamespace}}` and `kubectl describe pod <pod> -n {{serviceNamespace}}`. If it cannot come back quickly (or its own pods are blocked by it), let writes through by failing open: `kubectl patch {{resource}} {{name}} --type=json -p \'[{"op":"replace","path":"/webhooks/{{index}}/failurePolicy","value":"Ignore"}]\'`, or remove the configuration if its operator is gone: `kubectl delete {{resource}} {{name}}`.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy',
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#avoiding-deadlocks-in-self-hosted-webhooks',
    ],
    params: {
      minDuration: {
        default: '2m',
        description:
          'How long the webhook Service must have been without a ready endpoint before the detector fires (a webhook pod restarting is not yet an outage).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withEndpoints = ENDPOINT_KINDS.some((k) => snapshot.has(k))
    const withPods = snapshot.has(POD)
    // Rendered manifests hold neither: a chart's webhook may name a Service that another chart renders.
    const live = withEndpoints || withPods
    for (const [kind, resource] of [
      [VALIDATING, 'validatingwebhookconfiguration'],
      [MUTATING, 'mutatingwebhookconfiguration'],
    ] as const) {
      for (const config of snapshot.list(kind)) {
        const webhooks: Loose = (config as Loose).webhooks
        if (!live || !Array.isArray(webhooks)) continue
        // v1beta1 defaulted to Ignore; v1 to Fail.
        const defaultPolicy = config.apiVersion.endsWith('/v1beta1') ? 'Ignore' : 'Fail'
        webhooks.forEach((wh: Loose, index: number) => {
          if (!wh || typeof wh !== 'object') return
          const policy = typeof wh.failurePolicy === 'string' ? wh.failurePolicy : defaultPolicy
          if (policy !== 'Fail') return
          const ref = wh.clientConfig?.service
          if (
            !ref ||
            typeof ref !== 'object' ||
            typeof ref.name !== 'string' ||
            typeof ref.namespace !== 'string'
          )
            return
          const webhook = typeof wh.name === 'string' ? wh.name : `#${index}`
          const what = intercepts(wh.rules)
          const scoped = ['namespaceSelector', 'objectSelector'].some(
            (f) => wh[f] && typeof wh[f] === 'object' && Object.keys(wh[f]).length > 0,
          )
          const base = {
            scope: scoped ? ' in the namespaces and objects its selectors pick' : ' in every namespace',
            configKind: config.kind,
            webhook,
            service: `${ref.namespace}/${ref.name}`,
            serviceNamespace: ref.namespace,
            intercepts: what.text,
            resource,
            index,
          }
          const evidence: Record<string, unknown> = {
            webhook,
            failurePolicy: policy,
            service: {
              namespace: ref.namespace,
              name: ref.name,
              port: typeof ref.port === 'number' ? ref.port : 443,
            },
            rules: what.rules,
          }
          if (scoped) {
            evidence.namespaceSelector = wh.namespaceSelector
            evidence.objectSelector = wh.objectSelector
          }
          const svc = snapshot.get(SERVICE, ref.namespace, ref.name)
          if (!svc) {
            report({ object: config, key: webhook, messageId: 'serviceMissing', data: base, evidence })
            return
          }
          if (svc.spec?.type === 'ExternalName') return
          const selector = serviceSelector(svc)
          const eps = withEndpoints ? endpointsOf(snapshot, ref.namespace, ref.name) : undefined
          // Without endpoints, the ready pods of the selector tell the same story (not for a
          // selector-less Service, whose endpoints are managed by hand).
          if (withEndpoints ? eps && eps.ready > 0 : !selector) return
          if (!withEndpoints && podsForSelector(snapshot, ref.namespace, selector!).some(isPodReady)) return
          const why = selector ? explainNoEndpoints(snapshot, svc, selector) : undefined
          const age = sinceNewest(
            now,
            svc.metadata.creationTimestamp,
            eps?.lastChange,
            ...(why?.readyChanges ?? []),
          )
          if (age !== undefined && age < min) return
          let cause = ''
          if (why?.cause === 'noPods') cause = `: its selector (${String(why.data.selector)}) matches no pod`
          else if (why?.cause === 'podsNotReady')
            cause = `: its pods are not ready (${String(why.data.pods)})`
          else if (why?.cause === 'notCreated' || why?.cause === 'scaledToZero')
            cause = `: ${String(why.data.workloads)} has no pod${why.cause === 'scaledToZero' ? ' (scaled to 0)' : ''}`
          if (eps)
            evidence.endpoints = { source: eps.source, ready: eps.ready, notReady: eps.notReady.length }
          if (why) Object.assign(evidence, why.evidence)
          report({
            object: config,
            key: webhook,
            messageId: 'noEndpoints',
            data: { ...base, for: age === undefined ? 'an unknown time' : humanDuration(age), cause },
            evidence,
          })
        })
      }
    }
  },
})
