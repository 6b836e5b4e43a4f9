import { defineCases } from '../detect/cases.js'
import detector from './image-tag-mutable.js'
import { pod } from './lib/fixtures.js'
import { workload } from './lib/reliability.js'

const web = (...images: string[]) =>
  workload('Deployment', 'web', {
    containers: images.map((image, i) => ({ name: i ? `c${i}` : 'app', image })),
  })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    { name: 'does not fire on a version tag', objects: [web('registry.example.com/shop/web:2.3.1')] },
    {
      name: 'does not fire on an image pinned by digest, even without a tag',
      objects: [web('nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31')],
    },
    {
      name: 'does not fire on latest pinned by digest',
      objects: [web('nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31')],
    },
    {
      name: 'does not fire on a registry with a port and a tag',
      objects: [web('registry.local:5000/team/app:1.0')],
    },
    {
      name: 'does not fire on a tag that merely contains the word latest',
      objects: [web('app:latest-2024-05')],
    },
    {
      name: 'does not fire in kube-system',
      objects: [
        workload(
          'DaemonSet',
          'agent',
          { containers: [{ name: 'agent', image: 'agent:latest' }] },
          { namespace: 'kube-system' },
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on an untagged image',
      objects: [web('nginx')],
      findings: [
        { object: WEB, messageId: 'untagged', key: 'app', data: { image: 'nginx', container: 'app' } },
      ],
    },
    {
      name: 'fires on :latest and names the repository to pin',
      objects: [web('registry.example.com/shop/web:latest')],
      findings: [
        {
          object: WEB,
          messageId: 'latest',
          data: {
            image: 'registry.example.com/shop/web:latest',
            repository: 'registry.example.com/shop/web',
          },
        },
      ],
    },
    {
      name: 'fires on a registry with a port but no tag',
      objects: [web('registry.local:5000/team/app')],
      findings: [
        { object: WEB, messageId: 'untagged', data: { repository: 'registry.local:5000/team/app' } },
      ],
    },
    {
      name: 'fires once per mutable container, init containers included',
      objects: [
        workload('Deployment', 'web', {
          initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:latest' }],
          containers: [
            { name: 'app', image: 'registry.example.com/web:2.3.1' },
            { name: 'proxy', image: 'envoyproxy/envoy' },
          ],
        }),
      ],
      findings: [
        { object: WEB, messageId: 'latest', key: 'migrate' },
        { object: WEB, messageId: 'untagged', key: 'proxy' },
      ],
    },
    {
      name: 'fires on a bare pod',
      objects: [pod('debug', { spec: { containers: [{ name: 'shell', image: 'busybox:latest' }] } })],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'debug' }, messageId: 'latest' }],
    },
  ],
  skip: [{ name: 'is skipped when no workload or pod was collected', objects: [], collected: ['v1/Node'] }],
})
