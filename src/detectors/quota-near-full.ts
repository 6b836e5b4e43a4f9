import { defineDetector } from '../detect/define.js'
import { quotaResourceWords, quotaUses } from './lib/scheduling-storage.js'

export default defineDetector({
  meta: {
    id: 'quota-near-full',
    title: 'Namespace quota is nearly used up',
    description:
      'More than 90% of a ResourceQuota resource is in use. A rolling update briefly needs room for extra pods (maxSurge), and an HPA needs room to add replicas: with the quota this full, the next rollout or load spike may be refused, and then quota-exhausted fires.',
    severity: 'info',
    category: 'scheduling',
    requires: ['v1/ResourceQuota'],
    messages: {
      nearFull:
        'ResourceQuota {{name}} in namespace {{namespace}} has {{percent}}% of its {{label}} in use: {{used}} of {{hard}}. The next rollout or scale-up may not fit.',
    },
    remediation:
      'Check usage: `kubectl describe resourcequota {{name}} -n {{namespace}}`. Leave room for a rollout (at least one extra pod of the largest workload): free some (scale down or delete what you no longer need; lower requests far above real usage, see `kubectl top pod -n {{namespace}}`), or raise the limit for {{resource}} where the quota is defined.',
    references: ['https://kubernetes.io/docs/concepts/policy/resource-quotas/'],
    params: {
      threshold: {
        default: 0.9,
        description:
          'Fraction of the hard limit in use above which the quota counts as nearly full (0.9 = 90%; a value above 1 is read as a percentage).',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const raw = Number(params.threshold)
    const threshold = raw > 1 ? raw / 100 : raw
    if (!(threshold > 0)) return
    for (const quota of snapshot.list('v1/ResourceQuota')) {
      for (const u of quotaUses(quota)) {
        // Used up is quota-exhausted's finding.
        if (u.ratio <= threshold || u.ratio >= 1) continue
        const what = quotaResourceWords(u.resource)
        report({
          object: quota,
          messageId: 'nearFull',
          key: u.resource,
          data: {
            resource: u.resource,
            what,
            label: what === u.resource ? what : `${u.resource} (${what})`,
            used: u.used,
            hard: u.hard,
            percent: Math.floor(u.ratio * 100),
          },
          evidence: { quota: { resource: u.resource, used: u.used, hard: u.hard }, threshold },
        })
      }
    }
  },
})
