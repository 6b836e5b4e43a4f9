import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './node-pods-at-capacity.js'
import { node, pod } from './lib/fixtures.js'

// A small cloud node whose pod limit comes from its network interfaces.
function small(name: string): KubeObject {
  const n = node(name)
  n.status = { ...n.status, allocatable: { cpu: '2', memory: '8Gi', pods: '20' }, capacity: { pods: '20' } }
  return n
}

function podsOn(
  nodeName: string,
  count: number,
  opts: { namespace?: string; phase?: string } = {},
): KubeObject[] {
  return Array.from({ length: count }, (_, i) =>
    pod(`${opts.namespace ?? 'shop'}-${nodeName}-${opts.phase ?? 'run'}-${i}`, {
      namespace: opts.namespace ?? 'shop',
      phase: opts.phase ?? 'Running',
      spec: { nodeName, containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
    }),
  )
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a node at 90% of its pod limit',
      objects: [small('n1'), ...podsOn('n1', 18)],
    },
    {
      name: 'does not count finished pods still listed on the node',
      objects: [small('n1'), ...podsOn('n1', 10), ...podsOn('n1', 15, { phase: 'Succeeded' })],
    },
    {
      name: 'does not count pods bound to another node',
      objects: [small('n1'), small('n2'), ...podsOn('n1', 10), ...podsOn('n2', 10)],
    },
    {
      name: 'stays quiet on a node without status (a manifest)',
      objects: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, ...podsOn('n1', 3)],
    },
  ],
  invalid: [
    {
      name: 'fires when the node runs 95% of its pod limit',
      objects: [
        small('n1'),
        small('n2'),
        ...podsOn('n1', 12),
        ...podsOn('n1', 7, { namespace: 'batch' }),
        ...podsOn('n2', 3),
      ],
      findings: [
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'nearFull',
          data: { pods: 19, max: 20, percent: 95, left: 1 },
        },
      ],
    },
    {
      name: 'fires as full when the limit is reached, pending pods bound to it included',
      objects: [small('n1'), ...podsOn('n1', 19), ...podsOn('n1', 1, { phase: 'Pending' })],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'full', data: { pods: 20, max: 20 } }],
    },
    {
      name: 'fires at 90% when the threshold is lowered',
      params: { threshold: 90 },
      objects: [small('n1'), ...podsOn('n1', 18)],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'nearFull', data: { percent: 90 } }],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [small('n1')] }],
})
