import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './hpa-large-image.js'
import { fxContainer, fxWorkload } from './lib/autoscaling.js'
import { hpa, node } from './lib/fixtures.js'

const MB = 1_000_000
// A node that has pulled these images (names as containerd reports them).
function nodeWith(name: string, images: [string[], number][]): KubeObject {
  const n = node(name)
  return { ...n, status: { ...n.status, images: images.map(([names, sizeBytes]) => ({ names, sizeBytes })) } }
}
const web = (image: string, init?: string) =>
  fxWorkload('web', {
    podSpec: {
      containers: [fxContainer({ image })],
      ...(init ? { initContainers: [{ name: 'migrate', image: init }] } : {}),
    },
  })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a 120 MB image',
      objects: [
        ...web('registry.example.com/shop/web:2.1'),
        hpa('web'),
        nodeWith('node-1', [
          [['registry.example.com/shop/web:2.1', 'registry.example.com/shop/web@sha256:aa11'], 120 * MB],
        ]),
      ],
    },
    {
      name: 'does not fire just under the threshold (499 MB)',
      objects: [
        ...web('registry.example.com/shop/web:2.1'),
        hpa('web'),
        nodeWith('node-1', [[['registry.example.com/shop/web:2.1'], 499 * MB]]),
      ],
    },
    {
      name: 'does not fire when no node has pulled the image (its size is unknown)',
      objects: [
        ...web('registry.example.com/shop/web:2.1'),
        hpa('web'),
        nodeWith('node-1', [[['registry.example.com/other:1'], 2000 * MB]]),
      ],
    },
    {
      name: 'does not fire on a large image of a workload without HPA',
      objects: [
        ...web('registry.example.com/ml/model:3'),
        ...fxWorkload('api'),
        hpa('api'),
        nodeWith('node-1', [[['registry.example.com/ml/model:3'], 3000 * MB]]),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a 1.2 GB image',
      objects: [
        ...web('registry.example.com/ml/model:3'),
        hpa('web'),
        nodeWith('node-1', [[['registry.example.com/ml/model:3'], 1200 * MB]]),
      ],
      findings: [
        {
          object: WEB,
          messageId: 'large',
          key: 'app',
          data: { image: 'registry.example.com/ml/model:3', container: 'app', size: '1.1Gi', hpa: 'web' },
        },
      ],
    },
    {
      name: 'matches a Docker Hub short name with the fully qualified name the node reports',
      objects: [
        ...web('python:3.12'),
        hpa('web'),
        nodeWith('node-2', [[['docker.io/library/python:3.12'], 1020 * MB]]),
      ],
      findings: [{ object: WEB, messageId: 'large', data: { image: 'python:3.12' } }],
    },
    {
      name: 'matches an untagged image as latest, and checks init containers too',
      objects: [
        ...web('registry.example.com/shop/web:2.1', 'bitnami/kubectl'),
        hpa('web'),
        nodeWith('node-1', [[['docker.io/bitnami/kubectl:latest'], 800 * MB]]),
      ],
      findings: [{ object: WEB, messageId: 'large', key: 'migrate', data: { container: 'migrate' } }],
    },
    {
      name: 'fires on a smaller image when the threshold is lowered',
      params: { maxImageSize: '100M' },
      objects: [
        ...web('registry.example.com/shop/web:2.1'),
        hpa('web'),
        nodeWith('node-1', [[['registry.example.com/shop/web:2.1'], 120 * MB]]),
      ],
      findings: [{ object: WEB, messageId: 'large' }],
    },
  ],
  skip: [{ name: 'is skipped when nodes were not collected', objects: [...web('python:3.12'), hpa('web')] }],
})
