import { defineDetector } from '../detect/define.js'
import { ageMs, humanDuration, paramList, parseDuration } from './lib/k8s.js'
import { SYSTEM_NAMESPACE_PARAMS, specReferences, systemNamespaceTest } from './lib/node-fleet.js'
import { WORKLOAD_KINDS } from './lib/workloads.js'

// Set by old-style leader election, which uses a ConfigMap as a lock rather than as configuration.
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader'
const MAX_KEYS = 10

export default defineDetector({
  meta: {
    id: 'configmap-unused',
    title: 'ConfigMap is not used by any pod',
    description:
      'No pod and no workload template in the namespace mounts this ConfigMap or reads it into environment variables. It is usually left over from an old version of an app (a renamed or hash-suffixed ConfigMap), and clutters the namespace: people edit it expecting a change, and nothing happens.',
    severity: 'info',
    category: 'fleet',
    requires: ['v1/ConfigMap'],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      unused:
        'ConfigMap {{name}} in namespace {{namespace}} is not used by any pod or workload template, and is {{age}} old: it is probably left over, and editing it changes nothing.',
    },
    remediation:
      'Check that nothing uses it: `kubectl get pods,deploy,sts,ds,cronjob -n {{namespace}} -o yaml | grep -n "{{name}}"`; some tools read ConfigMaps through the API rather than mounting them (dashboards sidecars, operators, ingress controllers), so also search their configuration. Then delete it where it is defined (Helm chart, Kustomize, Git) or directly: `kubectl delete configmap {{name}} -n {{namespace}}`. If a tool reads it by label, add that label to `ignoreLabels`.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/configmap/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/',
    ],
    params: {
      minAge: { default: '7d', description: 'How old a ConfigMap must be before it counts as unused.' },
      ignoreNames: {
        default: ['kube-root-ca.crt', 'istio-ca-root-cert', 'openshift-service-ca.crt'],
        description: 'ConfigMaps the platform puts in every namespace, used or not.',
      },
      ignoreLabels: {
        default: ['grafana_dashboard', 'grafana_datasource'],
        description:
          'ConfigMaps carrying one of these label keys are read through the API by a tool (the Grafana sidecar by default).',
      },
      ...SYSTEM_NAMESPACE_PARAMS,
    },
  },
  detect({ snapshot, report, params, now }) {
    const minAge = parseDuration(params.minAge)
    const isSystem = systemNamespaceTest(params)
    const ignoreNames = new Set(paramList(params.ignoreNames))
    const ignoreLabels = paramList(params.ignoreLabels)
    let refs: Set<string> | undefined
    for (const cm of snapshot.list('v1/ConfigMap')) {
      const m = cm.metadata
      const ns = m.namespace
      if (typeof ns !== 'string' || isSystem(ns) || ignoreNames.has(m.name)) continue
      // A ConfigMap with an owner is its controller's business (an operator renders it, and cleans it up).
      if (Array.isArray(m.ownerReferences) && m.ownerReferences.length > 0) continue
      const age = ageMs(m.creationTimestamp, now)
      if (age === undefined || age < minAge) continue
      const ann = m.annotations
      if (ann && typeof ann === 'object' && LEADER_ANNOTATION in ann) continue
      const labels = m.labels
      if (labels && typeof labels === 'object' && ignoreLabels.some((l) => l in labels)) continue
      refs ??= specReferences(snapshot).configMaps
      if (refs.has(ns + '/' + m.name)) continue
      const data = cm.data && typeof cm.data === 'object' ? Object.keys(cm.data) : []
      const binary = cm.binaryData && typeof cm.binaryData === 'object' ? Object.keys(cm.binaryData) : []
      const keys = [...data, ...binary]
      report({
        object: cm,
        messageId: 'unused',
        data: { age: humanDuration(age) },
        evidence: {
          createdAt: m.creationTimestamp,
          keys: keys.slice(0, MAX_KEYS),
          ...(keys.length > MAX_KEYS ? { moreKeys: keys.length - MAX_KEYS } : {}),
          ...(labels &&
          typeof labels === 'object' &&
          typeof labels['app.kubernetes.io/managed-by'] === 'string'
            ? { managedBy: labels['app.kubernetes.io/managed-by'] }
            : {}),
        },
      })
    }
  },
})
