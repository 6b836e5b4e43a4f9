import { defineDetector } from '../detect/define.js'
import { couldBeSecretValue, forEachContainer, looksSensitiveName, templatePath } from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'sensitive-env-plaintext',
    title: 'Credential written in plain text in a pod template',
    description:
      "An environment variable whose name says it holds a credential (PASSWORD, SECRET, TOKEN, API_KEY, PRIVATE_KEY, ACCESS_KEY) has its value written directly in the workload (`value:`) instead of coming from a Secret (`valueFrom.secretKeyRef`). Anyone who can read the workload (`kubectl get deploy -o yaml`, the Git repository or Helm values it came from, a CI log) can read the credential; it cannot be rotated without a redeploy, and RBAC on Secrets does not protect it. kubedac never copies the value: the finding names the variable and the value's length only.",
    severity: 'warning',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      plaintext:
        'Container {{container}} of {{kind}} {{name}} sets {{variable}} to a literal value ({{length}} characters) in the pod template: anyone who can read the {{kind}} or its manifest can read this credential.',
    },
    remediation:
      'Move the value into a Secret and reference it: `kubectl create secret generic {{name}}-env -n {{namespace}} --from-literal={{variable}}=<value>`, then replace `value:` of {{variable}} in container {{container}} (under `{{path}}`) with `valueFrom: {secretKeyRef: {name: {{name}}-env, key: {{variable}}}}` and remove it from the manifest and its Git history. Treat the credential as leaked: rotate it at its source. Everyone who could read the {{kind}} (`kubectl get rolebindings -n {{namespace}} -o wide`) or its repository may have seen it.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    ],
  },
  detect({ snapshot, report }) {
    for (const t of podTemplates(snapshot)) {
      forEachContainer(t.spec, (c, name, init) => {
        const env: unknown = c.env
        if (!Array.isArray(env)) return
        for (const e of env) {
          if (!e || typeof e.name !== 'string' || typeof e.value !== 'string') continue
          if (!looksSensitiveName(e.name) || !couldBeSecretValue(e.value)) continue
          report({
            object: t.owner,
            messageId: 'plaintext',
            key: `${name}/${e.name}`,
            // Never the value: only its name and length.
            data: {
              container: name,
              variable: e.name,
              length: e.value.length,
              path: templatePath(t.owner.kind),
            },
            evidence: { container: name, init, variable: e.name, valueLength: e.value.length },
          })
        }
      })
    }
  },
})
