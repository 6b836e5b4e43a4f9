import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './replicas-snapback.js'
import { fxWorkload } from './lib/autoscaling.js'
import { event, hpa, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T10:00:00Z'
const RS = rsName('web')
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

const lastApplied = (replicas: number) => ({
  annotations: {
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas },
    }),
  },
})
const web = (metadata: Record<string, unknown> = lastApplied(2)) =>
  fxWorkload('web', { replicas: 2, metadata })
const dep = (objects: KubeObject[]) => objects[0] as KubeObject

// One ScalingReplicaSet event per scale, at the given times (HH:MM on the case's day).
function scales(target: KubeObject, steps: [string, 'up' | 'down', number][], rs = RS): KubeObject[] {
  return steps.map(([at, dir, to], i) =>
    event(target, 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs} to ${to}`, {
      type: 'Normal',
      at: `2026-03-01T${at}:00Z`,
      name: `web.scale-${i}`,
    }),
  )
}
// The same, aggregated as the API server does with repeated identical events.
function aggregated(target: KubeObject, ups: number, downs: number): KubeObject[] {
  const up = event(target, 'ScalingReplicaSet', `Scaled up replica set ${RS} to 6`, {
    type: 'Normal',
    at: '2026-03-01T09:57:00Z',
    count: ups,
    name: 'web.up',
  })
  const down = event(target, 'ScalingReplicaSet', `Scaled down replica set ${RS} from 6 to 2`, {
    type: 'Normal',
    at: '2026-03-01T09:54:00Z',
    count: downs,
    name: 'web.down',
  })
  return [
    { ...up, firstTimestamp: '2026-03-01T09:09:00Z' },
    { ...down, firstTimestamp: '2026-03-01T09:12:00Z' },
  ]
}
const snapping: [string, 'up' | 'down', number][] = [
  ['09:10', 'up', 6],
  ['09:13', 'down', 2],
  ['09:14', 'up', 6],
  ['09:16', 'down', 2],
  ['09:17', 'up', 6],
]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on two changes of direction (one snap-back)',
      now: NOW,
      objects: [...web(), hpa('web'), ...scales(dep(web()), snapping.slice(0, 3))],
    },
    {
      name: 'does not fire when the HPA flaps on its own and nothing sets a static replicas value',
      now: NOW,
      objects: [...web({}), hpa('web'), ...scales(dep(web({})), snapping)],
    },
    {
      name: 'does not fire when the scale-downs never land on the static value',
      now: NOW,
      objects: [
        ...web(lastApplied(3)),
        hpa('web'),
        ...scales(dep(web(lastApplied(3))), [
          ['09:10', 'up', 6],
          ['09:13', 'down', 4],
          ['09:14', 'up', 6],
          ['09:16', 'down', 5],
          ['09:17', 'up', 7],
        ]),
      ],
    },
    {
      name: 'does not fire on a rollout (the new ReplicaSet goes up while the old one goes down)',
      now: NOW,
      objects: [
        ...web(),
        hpa('web'),
        ...scales(
          dep(web()),
          [
            ['09:10', 'up', 1],
            ['09:11', 'up', 2],
          ],
          'web-new',
        ),
        ...scales(dep(web()), [
          ['09:10', 'down', 1],
          ['09:11', 'down', 0],
        ]).map((e, i) => ({ ...e, metadata: { ...e.metadata, name: `web.old-${i}` } })),
      ],
    },
    {
      name: 'does not fire on snap-backs older than the window',
      now: '2026-03-01T12:00:00Z',
      objects: [...web(), hpa('web'), ...scales(dep(web()), snapping)],
    },
    {
      name: 'does not fire when the Deployment has no HPA',
      now: NOW,
      objects: [...web(), ...fxWorkload('api'), hpa('api'), ...scales(dep(web()), snapping)],
    },
  ],
  invalid: [
    {
      name: 'fires when the size goes 6, 2, 6, 2, 6 within the hour and the manifest says 2',
      now: NOW,
      objects: [...web(), hpa('web'), ...scales(dep(web()), snapping)],
      findings: [
        {
          object: WEB,
          messageId: 'snapback',
          data: { changes: 4, low: 2, high: 6, value: 2, tool: 'kubectl apply', hpa: 'web', window: '1h' },
        },
      ],
    },
    {
      name: 'fires on aggregated events (counts of repeated scale-ups and scale-downs)',
      now: NOW,
      objects: [...web(), hpa('web'), ...aggregated(dep(web()), 8, 7)],
      findings: [{ object: WEB, messageId: 'snapback', data: { changes: 14, value: 2 } }],
    },
    {
      name: 'fires at exactly three changes of direction',
      now: NOW,
      objects: [...web(), hpa('web'), ...scales(dep(web()), snapping.slice(0, 4))],
      findings: [{ object: WEB, messageId: 'snapback', data: { changes: 3 } }],
    },
    {
      name: 'fires when a server-side apply manager owns replicas',
      now: NOW,
      objects: [
        ...web({
          managedFields: [
            {
              manager: 'argocd-controller',
              operation: 'Apply',
              apiVersion: 'apps/v1',
              fieldsType: 'FieldsV1',
              fieldsV1: { 'f:spec': { 'f:replicas': {} } },
            },
          ],
        }),
        hpa('web'),
        ...scales(dep(web()), snapping),
      ],
      findings: [
        { object: WEB, messageId: 'snapback', data: { tool: 'Argo CD (argocd-controller)', value: 2 } },
      ],
    },
  ],
  skip: [{ name: 'is skipped when events were not collected', objects: [...web(), hpa('web')] }],
})
