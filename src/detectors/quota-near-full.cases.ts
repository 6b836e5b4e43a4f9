import { defineCases } from '../detect/cases.js'
import detector from './quota-near-full.js'
import { node, resourceQuota } from './lib/fixtures.js'

const HARD = { 'requests.cpu': '8', 'requests.memory': '16Gi', pods: '50' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a quota with room left',
      objects: [
        resourceQuota('compute', HARD, { 'requests.cpu': '2', 'requests.memory': '4Gi', pods: '10' }),
      ],
    },
    {
      name: 'does not fire at exactly 90% (just below the threshold)',
      objects: [resourceQuota('compute', { pods: '50' }, { pods: '45' })],
    },
    {
      name: 'does not fire on a quota that is used up (quota-exhausted reports that)',
      objects: [resourceQuota('compute', { pods: '50' }, { pods: '50' })],
    },
    {
      name: 'does not fire on a hard limit of 0',
      objects: [resourceQuota('no-lb', { 'services.loadbalancers': '0' }, { 'services.loadbalancers': '0' })],
    },
    {
      name: 'stays quiet at 93% when the threshold is raised to 95%',
      params: { threshold: 0.95 },
      objects: [resourceQuota('compute', { 'requests.cpu': '8' }, { 'requests.cpu': '7440m' })],
    },
  ],
  invalid: [
    {
      name: 'fires when CPU requests are at 93% of the quota',
      objects: [
        resourceQuota('compute', HARD, { 'requests.cpu': '7440m', 'requests.memory': '4Gi', pods: '10' }),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'default', name: 'compute' },
          messageId: 'nearFull',
          key: 'requests.cpu',
          data: { percent: 93, used: '7440m', hard: '8', what: 'CPU requests' },
        },
      ],
    },
    {
      name: 'fires once per nearly full resource, comparing binary and decimal units',
      objects: [
        resourceQuota('compute', HARD, { 'requests.cpu': '2', 'requests.memory': '15000Mi', pods: '48' }),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'default', name: 'compute' },
          messageId: 'nearFull',
          key: 'requests.memory',
          data: { percent: 91 },
        },
        {
          object: { kind: 'ResourceQuota', namespace: 'default', name: 'compute' },
          messageId: 'nearFull',
          key: 'pods',
          data: { percent: 96 },
        },
      ],
    },
    {
      name: 'reads a threshold given as a percentage',
      params: { threshold: 80 },
      objects: [resourceQuota('compute', { pods: '50' }, { pods: '42' })],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'default', name: 'compute' },
          messageId: 'nearFull',
          key: 'pods',
          data: { percent: 84 },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when ResourceQuotas were not collected', objects: [node('n1')] }],
})
