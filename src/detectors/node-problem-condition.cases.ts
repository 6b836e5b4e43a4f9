import { defineCases } from '../detect/cases.js'
import detector from './node-problem-condition.js'
import { event, node, type CondSpec } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

// The conditions node-problem-detector keeps on every node, all healthy.
const npdHealthy: Record<string, CondSpec> = {
  KernelDeadlock: ['False', 'KernelHasNoDeadlock', '2026-02-01T00:00:00Z'],
  ReadonlyFilesystem: ['False', 'FilesystemIsNotReadOnly', '2026-02-01T00:00:00Z'],
  FrequentContainerdRestart: ['False', 'NoFrequentContainerdRestart', '2026-02-01T00:00:00Z'],
}

const broken = node('n1', {
  ...npdHealthy,
  KernelDeadlock: [
    'True',
    'DockerHung',
    '2026-03-01T11:20:00Z',
    'kernel: INFO: task docker:20744 blocked for more than 120 seconds.',
  ],
  ReadonlyFilesystem: [
    'True',
    'FilesystemIsReadOnly',
    '2026-03-01T11:30:00Z',
    'Node condition ReadonlyFilesystem is now: True, reason: FilesystemIsReadOnly',
  ],
})

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when node-problem-detector conditions are all False',
      now: NOW,
      objects: [node('n1', { ...npdHealthy })],
    },
    {
      name: 'does not fire on the core pressure conditions, which have detectors of their own',
      now: NOW,
      objects: [
        node('n1', {
          MemoryPressure: ['True', 'KubeletHasInsufficientMemory'],
          NetworkUnavailable: ['True', 'NoRouteCreated'],
        }),
      ],
    },
    {
      name: 'does not fire on a custom condition that the team lists as good news',
      now: NOW,
      params: { ignoreConditions: ['GPUDriverLoaded'] },
      objects: [node('n1', { GPUDriverLoaded: ['True', 'DriverReady'] })],
    },
  ],
  invalid: [
    {
      name: 'fires once per problem condition, keyed by its type, with the matching event as evidence',
      now: NOW,
      objects: [
        broken,
        node('n2', { ...npdHealthy }),
        event(broken, 'DockerHung', 'kernel: INFO: task docker:20744 blocked for more than 120 seconds.', {
          at: '2026-03-01T11:20:00Z',
        }),
      ],
      findings: [
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'problem',
          key: 'KernelDeadlock',
          data: { condition: 'KernelDeadlock', reason: 'DockerHung' },
        },
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'problem',
          key: 'ReadonlyFilesystem',
          data: { condition: 'ReadonlyFilesystem', reason: 'FilesystemIsReadOnly' },
        },
      ],
    },
    {
      name: 'fires on a condition it does not know, quoting the agent message',
      now: NOW,
      objects: [
        node('n1', { DiskIOSlow: ['True', 'HighIOWait', '2026-03-01T11:00:00Z', 'iowait above 80%'] }),
      ],
      findings: [
        {
          object: { kind: 'Node', name: 'n1' },
          messageId: 'problem',
          key: 'DiskIOSlow',
          data: { meaning: 'an agent on the node reports it: iowait above 80%' },
        },
      ],
    },
    {
      name: 'fires on scheduled cloud maintenance on a Ready node',
      now: NOW,
      objects: [node('n1', { RebootScheduled: ['True', 'RebootScheduled', '2026-03-01T11:00:00Z'] })],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'problem', key: 'RebootScheduled' }],
    },
  ],
  skip: [{ name: 'is skipped when nodes were not collected', objects: [], collected: ['v1/Pod'] }],
})
