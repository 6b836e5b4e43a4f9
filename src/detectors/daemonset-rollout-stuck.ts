import { defineDetector } from '../detect/define.js'
import { conditionOf, humanDuration, parseDuration } from './lib/k8s.js'
import { count, podEvidence, podIsReady, sinceProgress, summarizeProblems } from './lib/pods-workloads.js'

const MAX_PODS = 10

export default defineDetector({
  meta: {
    id: 'daemonset-rollout-stuck',
    title: 'DaemonSet is not running everywhere it should, or its rollout is stuck',
    description:
      'A DaemonSet runs one pod per node: log shippers, network and storage plugins, monitoring agents. When its pods cannot be placed, are not available, or a rollout stops halfway, some nodes run without the agent or with an old version of it, which usually means missing logs or metrics, or a network or storage plugin absent on those nodes.',
    severity: 'warning',
    category: 'workload',
    requires: ['apps/v1/DaemonSet', 'v1/Pod'],
    optional: ['v1/Node'],
    messages: {
      rollout:
        'The rollout of DaemonSet {{name}} has made no progress for {{for}}: {{updated}} of {{desired}} nodes run the new version and {{available}} pods are available ({{cause}}).',
      unavailable:
        'DaemonSet {{name}} has had only {{available}} of {{desired}} pods available for {{for}} ({{cause}}).',
      notScheduled:
        'DaemonSet {{name}} runs on only {{current}} of the {{desired}} nodes it should, for {{for}} ({{cause}}).',
      misscheduled:
        'DaemonSet {{name}} has pods on {{misscheduled}} nodes where it should no longer run (their labels or taints changed), for {{for}}.',
    },
    remediation:
      "See where it fails: `kubectl rollout status daemonset/{{name}} -n {{namespace}}`, `kubectl describe daemonset {{name}} -n {{namespace}}` and `kubectl get pods -n {{namespace}} -o wide -l <its selector>`; then `kubectl describe pod <pod> -n {{namespace}}` on one that is not ready (Pending: the node lacks room for it, so give it a priorityClassName such as system-node-critical or free room; crashing: read its logs). Misplaced pods: compare the nodeSelector, affinity and tolerations with the nodes' labels and taints.",
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
      'https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/',
    ],
    params: {
      minDuration: {
        default: '15m',
        description:
          'How long the DaemonSet must have made no progress (no pod created and no pod changing readiness) before the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withNodes = snapshot.has('v1/Node')
    for (const ds of snapshot.list('apps/v1/DaemonSet')) {
      const st = ds.status
      if (!st || typeof st !== 'object') continue
      const desired = count(st.desiredNumberScheduled)
      const current = count(st.currentNumberScheduled)
      const updated = count(st.updatedNumberScheduled)
      const available = count(st.numberAvailable)
      const misscheduled = count(st.numberMisscheduled)
      // OnDelete DaemonSets are updated when people delete their pods.
      const rolling = ds.spec?.updateStrategy?.type !== 'OnDelete' && updated < desired
      const short = available < desired
      const unplaced = current < desired
      if (!rolling && !short && !unplaced && misscheduled === 0) continue

      const pods = snapshot.podsFor(ds)
      const idle = sinceProgress(ds, pods, now)
      if (idle !== undefined && idle < min) continue

      let unready = pods.filter((p) => !podIsReady(p))
      // A down node takes its DaemonSet pods with it: node-not-ready reports that once, not per DaemonSet.
      const onDownNodes: string[] = []
      if (withNodes) {
        unready = unready.filter((p) => {
          const nodeName: unknown = p.spec?.nodeName
          if (typeof nodeName !== 'string') return true
          const node = snapshot.get('v1/Node', undefined, nodeName)
          if (node && conditionOf(node, 'Ready')?.status === 'True') return true
          onDownNodes.push(nodeName)
          return false
        })
        if (onDownNodes.length && !rolling && !unplaced && misscheduled === 0 && unready.length === 0)
          continue
      }

      const cause = unready.length
        ? summarizeProblems(unready)
        : onDownNodes.length
          ? `${onDownNodes.length} pods on nodes that are not Ready`
          : unplaced
            ? 'the pods for the other nodes have not been created'
            : 'no pod of it is failing in the snapshot'
      const evidence: Record<string, unknown> = {
        status: { desired, current, updated, ready: count(st.numberReady), available, misscheduled },
        updateStrategy: ds.spec?.updateStrategy?.type ?? 'RollingUpdate',
      }
      const maxUnavailable = ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable
      if (maxUnavailable !== undefined) evidence.maxUnavailable = maxUnavailable
      if (unready.length) evidence.notReadyPods = unready.slice(0, MAX_PODS).map(podEvidence)
      if (onDownNodes.length) evidence.podsOnNotReadyNodes = onDownNodes.slice(0, MAX_PODS)
      const messageId = rolling
        ? 'rollout'
        : short
          ? 'unavailable'
          : unplaced
            ? 'notScheduled'
            : 'misscheduled'
      report({
        object: ds,
        messageId,
        data: {
          for: idle === undefined ? 'an unknown time' : humanDuration(idle),
          desired,
          current,
          updated,
          available,
          misscheduled,
          cause,
        },
        evidence,
      })
    }
  },
})
