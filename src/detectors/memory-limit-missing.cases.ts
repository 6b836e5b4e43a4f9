import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './memory-limit-missing.js'
import { deployment, node, pod, rsName } from './lib/fixtures.js'
import { limitRangeFixture } from './lib/scheduling-storage.js'

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
const app = (resources?: Record<string, unknown>, name = 'app') => ({
  name,
  image: 'registry.example.com/app:1.0',
  ...(resources ? { resources } : {}),
})

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every container has a memory limit',
      objects: web([app({ requests: { memory: '256Mi' }, limits: { memory: '512Mi' } })]),
    },
    {
      name: "does not fire when the namespace's LimitRange gives a default memory limit",
      objects: [...web([app()]), limitRangeFixture('defaults', { default: { memory: '512Mi' } }, 'shop')],
    },
    {
      name: 'does not fire on a CPU limit alone being absent (only memory matters here)',
      objects: web([app({ limits: { memory: '512Mi' } })]),
    },
    { name: 'does not check kube-system by default', objects: web([app()], { namespace: 'kube-system' }) },
  ],
  invalid: [
    {
      name: 'fires once on the Deployment for a container with only a memory request',
      objects: [
        ...web([app({ requests: { memory: '256Mi' } })]),
        pod(`${rsName('web')}-a`, { namespace: 'shop', owner: { kind: 'ReplicaSet', name: rsName('web') } }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missing',
          key: 'app',
          data: { container: 'app', containerType: 'container' },
        },
      ],
    },
    {
      name: 'fires per container, init containers included',
      objects: web([app({ limits: { memory: '1Gi' } }), app(undefined, 'worker')], {
        initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:1' }],
      }),
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missing',
          key: 'migrate',
          data: { containerType: 'init container' },
        },
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'missing',
          key: 'worker',
        },
      ],
    },
    {
      name: 'fires when the LimitRange only gives a default request, not a limit',
      objects: [
        ...web([app()]),
        limitRangeFixture('defaults', { defaultRequest: { memory: '128Mi' } }, 'shop'),
      ],
      findings: [
        { object: { kind: 'Deployment', namespace: 'shop', name: 'web' }, messageId: 'missing', key: 'app' },
      ],
    },
    {
      name: 'fires on a bare pod that no workload owns',
      objects: [pod('debug', { namespace: 'shop' })],
      findings: [
        { object: { kind: 'Pod', namespace: 'shop', name: 'debug' }, messageId: 'missing', key: 'app' },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workloads or pods were collected', objects: [node('n1')] }],
})
