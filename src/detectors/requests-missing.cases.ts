import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './requests-missing.js'
import { deployment, node, pod, rsName, statefulSet } from './lib/fixtures.js'
import { limitRangeFixture } from './lib/scheduling-storage.js'

const REQUESTS = { requests: { cpu: '100m', memory: '128Mi' } }

// A Deployment (with its ReplicaSet) whose pod template has these containers.
function web(
  containers: Record<string, unknown>[],
  opts: { namespace?: string; initContainers?: unknown[] } = {},
) {
  const [dep, rs] = deployment('web', { namespace: opts.namespace ?? 'shop' }) as [KubeObject, KubeObject]
  dep.spec.template.spec = {
    containers,
    ...(opts.initContainers ? { initContainers: opts.initContainers } : {}),
  }
  return [dep, rs]
}
const app = (resources?: Record<string, unknown>) => ({
  name: 'app',
  image: 'registry.example.com/app:1.0',
  ...(resources ? { resources } : {}),
})

export default defineCases(detector, {
  valid: [
    { name: 'does not fire when every container requests CPU and memory', objects: web([app(REQUESTS)]) },
    {
      name: 'does not fire on limits alone, which the API server copies into the requests',
      objects: web([app({ limits: { cpu: '1', memory: '1Gi' } })]),
    },
    {
      name: "does not fire when the namespace's LimitRange gives default requests",
      objects: [
        ...web([app()]),
        limitRangeFixture('defaults', { defaultRequest: { cpu: '100m', memory: '128Mi' } }, 'shop'),
      ],
    },
    {
      name: 'does not fire when the LimitRange sets only a maximum, which becomes the default',
      objects: [...web([app()]), limitRangeFixture('max', { max: { cpu: '2', memory: '4Gi' } }, 'shop')],
    },
    {
      name: 'does not check kube-system by default',
      objects: web([app()], { namespace: 'kube-system' }),
    },
    {
      name: 'does not fire on a finished pod that no workload owns',
      objects: [pod('once', { phase: 'Succeeded' })],
    },
  ],
  invalid: [
    {
      name: 'fires once on the Deployment, not per pod, for a container without requests',
      objects: [
        ...web([app()]),
        pod(`${rsName('web')}-a`, { namespace: 'shop', owner: { kind: 'ReplicaSet', name: rsName('web') } }),
        pod(`${rsName('web')}-b`, { namespace: 'shop', owner: { kind: 'ReplicaSet', name: rsName('web') } }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missing',
          key: 'app',
          data: { container: 'app', missing: 'CPU or memory', containerType: 'container' },
        },
      ],
    },
    {
      name: 'fires on a StatefulSet whose container requests CPU but no memory',
      objects: [
        (() => {
          const s = statefulSet('db', { namespace: 'data' })
          s.spec.template.spec.containers[0].resources = { requests: { cpu: '500m' } }
          return s
        })(),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'data', name: 'db' },
          messageId: 'missing',
          key: 'app',
          data: { missing: 'memory' },
        },
      ],
    },
    {
      name: 'fires on an init container and a sidecar, each on its own',
      objects: web([app(REQUESTS)], {
        initContainers: [
          { name: 'migrate', image: 'registry.example.com/migrate:1' },
          {
            name: 'proxy',
            image: 'registry.example.com/proxy:1',
            restartPolicy: 'Always',
            resources: { requests: { memory: '64Mi' } },
          },
        ],
      }),
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missing',
          key: 'migrate',
          data: { containerType: 'init container', missing: 'CPU or memory' },
        },
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missing',
          key: 'proxy',
          data: { containerType: 'sidecar container', missing: 'CPU' },
        },
      ],
    },
    {
      name: 'fires when the LimitRange with defaults is in another namespace',
      objects: [
        ...web([app()]),
        limitRangeFixture('defaults', { defaultRequest: { cpu: '100m', memory: '128Mi' } }, 'other'),
      ],
      findings: [
        { object: { kind: 'Deployment', namespace: 'shop', name: 'web' }, messageId: 'missing', key: 'app' },
      ],
    },
    {
      name: 'fires on a rendered manifest without status (a configuration check)',
      objects: [{ ...(web([app()])[0] as KubeObject), status: undefined }],
      findings: [
        { object: { kind: 'Deployment', namespace: 'shop', name: 'web' }, messageId: 'missing', key: 'app' },
      ],
    },
    {
      name: 'checks kube-system when excludeNamespaces is emptied',
      params: { excludeNamespaces: [] },
      objects: web([app()], { namespace: 'kube-system' }),
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'kube-system', name: 'web' },
          messageId: 'missing',
          key: 'app',
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workloads or pods were collected', objects: [node('n1')] }],
})
