import { defineCases } from '../detect/cases.js'
import detector from './dangling-serviceaccount-ref.js'
import { pod } from './lib/fixtures.js'
import { container, named, workload } from './lib/reliability.js'

const sa = (name: string, ns = 'default') => named('v1/ServiceAccount', name, {}, ns)
const web = (spec: Record<string, unknown>) =>
  workload('Deployment', 'web', { containers: [container()], ...spec })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the ServiceAccount exists',
      objects: [web({ serviceAccountName: 'web' }), sa('default'), sa('web')],
    },
    { name: 'does not fire on the default ServiceAccount', objects: [web({}), sa('other')] },
    {
      name: 'does not fire on an explicit default ServiceAccount even if the dump lacks it',
      objects: [web({ serviceAccountName: 'default' }), sa('web')],
    },
    {
      name: 'does not fire in a namespace where no ServiceAccount was collected',
      objects: [web({ serviceAccountName: 'web' }), sa('default', 'other')],
    },
  ],
  invalid: [
    {
      name: 'fires on a ServiceAccount that does not exist',
      objects: [web({ serviceAccountName: 'web-sa' }), sa('default'), sa('web')],
      findings: [
        { object: WEB, messageId: 'missing', data: { serviceAccount: 'web-sa', workload: 'Deployment/web' } },
      ],
    },
    {
      name: 'fires on the deprecated serviceAccount field too',
      objects: [web({ serviceAccount: 'legacy' }), sa('default')],
      findings: [{ object: WEB, messageId: 'missing', data: { serviceAccount: 'legacy' } }],
    },
    {
      name: 'fires when the ServiceAccount exists only in another namespace',
      objects: [web({ serviceAccountName: 'web' }), sa('default'), sa('web', 'shop')],
      findings: [{ object: WEB, messageId: 'missing' }],
    },
    {
      name: 'fires on a bare pod',
      objects: [
        pod('tool', { spec: { containers: [container()], serviceAccountName: 'ops' } }),
        sa('default'),
      ],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'tool' }, messageId: 'missing' }],
    },
  ],
  skip: [
    {
      name: 'is skipped when ServiceAccounts were not collected',
      objects: [web({ serviceAccountName: 'web' })],
    },
  ],
})
