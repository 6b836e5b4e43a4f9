import { defineDetector } from '../detect/define.js'
import { pdbIndex } from './lib/reliability.js'

const TERMINAL = new Set(['Succeeded', 'Failed'])

export default defineDetector({
  meta: {
    id: 'pod-multiple-pdbs',
    title: 'Pods are selected by more than one PodDisruptionBudget',
    description:
      'The eviction API refuses to evict a pod that more than one PodDisruptionBudget selects: it answers with an error ("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support") instead of checking the budgets. A node drain then retries forever on these pods, so cluster upgrades and autoscaler scale-downs stall on their nodes.',
    severity: 'warning',
    category: 'reliability',
    requires: ['policy/v1/PodDisruptionBudget', 'v1/Pod'],
    messages: {
      overlap:
        'Pod {{pod}} is selected by {{count}} PodDisruptionBudgets ({{pdbs}}): the eviction API refuses to evict it, so node drains and upgrades hang on it.',
    },
    remediation:
      'Keep one budget per set of pods: compare `kubectl get pdb -n {{namespace}} -o wide` with the pod labels (`kubectl get pod {{pod}} -n {{namespace}} --show-labels`), then narrow the selectors of {{pdbs}} so that each pod matches exactly one, or delete the redundant budget.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/',
      'https://kubernetes.io/docs/concepts/scheduling-eviction/api-eviction/',
    ],
  },
  detect({ snapshot, report }) {
    for (const [pod, pdbs] of pdbIndex(snapshot).shared) {
      // Terminated pods are deleted without asking any budget.
      if (TERMINAL.has(pod.status?.phase)) continue
      const names = pdbs.map((p) => p.metadata.name).sort()
      report({
        object: pod,
        messageId: 'overlap',
        // One finding per set of overlapping budgets, whatever the number of pods.
        key: names.join(','),
        data: { pod: pod.metadata.name, count: names.length, pdbs: names.join(', ') },
        evidence: {
          pdbs: pdbs.map((p) => ({ name: p.metadata.name, selector: p.spec?.selector })),
          podLabels: pod.metadata.labels ?? {},
        },
      })
    }
  },
})
