import { defineCases } from '../detect/cases.js'
import detector from './host-path-volume.js'
import { node } from './lib/fixtures.js'
import { container, hardenedContainer, workload } from './lib/security.js'

const mounting = (mounts: Record<string, unknown>[]) => hardenedContainer('app', { volumeMounts: mounts })
const hostPath = (name: string, path: string, type?: string) => ({
  name,
  hostPath: { path, ...(type ? { type } : {}) },
})
const web = { kind: 'Deployment', namespace: 'shop', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on PVC, ConfigMap and emptyDir volumes',
      objects: [
        workload(
          'Deployment',
          'web',
          {
            containers: [
              mounting([
                { name: 'data', mountPath: '/data' },
                { name: 'tmp', mountPath: '/tmp' },
              ]),
            ],
            volumes: [
              { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
              { name: 'tmp', emptyDir: {} },
              { name: 'conf', configMap: { name: 'web' } },
            ],
          },
          'shop',
        ),
      ],
    },
    {
      name: 'does not fire on a hostPath every container mounts read-only',
      objects: [
        workload(
          'Deployment',
          'web',
          {
            containers: [mounting([{ name: 'zoneinfo', mountPath: '/usr/share/zoneinfo', readOnly: true }])],
            volumes: [hostPath('zoneinfo', '/usr/share/zoneinfo', 'Directory')],
          },
          'shop',
        ),
      ],
    },
    {
      name: 'does not fire on a hostPath volume no container mounts',
      objects: [
        workload(
          'Deployment',
          'web',
          { containers: [hardenedContainer()], volumes: [hostPath('logs', '/var/log')] },
          'shop',
        ),
      ],
    },
    {
      name: 'does not fire on a log shipper reading /var/log in logging',
      objects: [
        workload(
          'DaemonSet',
          'fluent-bit',
          {
            containers: [
              container('fluent-bit', undefined, {
                volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }],
              }),
            ],
            volumes: [hostPath('varlog', '/var/log')],
          },
          'logging',
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a read-write hostPath',
      objects: [
        workload(
          'Deployment',
          'web',
          {
            containers: [mounting([{ name: 'cache', mountPath: '/cache' }])],
            volumes: [hostPath('cache', '/mnt/cache/', 'DirectoryOrCreate')],
          },
          'shop',
        ),
      ],
      findings: [
        {
          object: web,
          messageId: 'hostPath',
          key: 'cache',
          data: { volume: 'cache', hostPath: '/mnt/cache', containers: 'app' },
        },
      ],
    },
    {
      name: 'fires on the Docker socket even mounted read-only',
      objects: [
        workload(
          'Deployment',
          'ci-runner',
          {
            containers: [
              container('runner', undefined, {
                volumeMounts: [{ name: 'docker', mountPath: '/var/run/docker.sock', readOnly: true }],
              }),
            ],
            volumes: [hostPath('docker', '/var/run/docker.sock', 'Socket')],
          },
          'ci',
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'ci', name: 'ci-runner' },
          messageId: 'runtimeSocket',
          key: 'docker',
          data: { hostPath: '/var/run/docker.sock', containers: 'runner' },
        },
      ],
    },
    {
      name: "fires on the directory that holds containerd's socket",
      objects: [
        workload(
          'DaemonSet',
          'image-cleaner',
          {
            containers: [
              container('cleaner', undefined, {
                volumeMounts: [{ name: 'run', mountPath: '/host/run/containerd' }],
              }),
            ],
            volumes: [hostPath('run', '/run/containerd')],
          },
          'ops',
        ),
      ],
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'ops', name: 'image-cleaner' },
          messageId: 'runtimeSocket',
          data: { hostPath: '/run/containerd' },
        },
      ],
    },
    {
      name: "fires on the node's root filesystem, read-only or not, and on each volume",
      objects: [
        workload(
          'DaemonSet',
          'scanner',
          {
            containers: [
              container('scan', undefined, {
                volumeMounts: [
                  { name: 'host', mountPath: '/host', readOnly: true },
                  { name: 'state', mountPath: '/state' },
                ],
              }),
            ],
            volumes: [hostPath('host', '/'), hostPath('state', '/var/lib/scanner')],
          },
          'security-tools',
        ),
      ],
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'security-tools', name: 'scanner' },
          messageId: 'hostRoot',
          key: 'host',
        },
        {
          object: { kind: 'DaemonSet', namespace: 'security-tools', name: 'scanner' },
          messageId: 'hostPath',
          key: 'state',
        },
      ],
    },
    {
      name: 'names only the containers that mount it read-write',
      objects: [
        workload(
          'Deployment',
          'web',
          {
            initContainers: [
              container('prep', undefined, { volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }),
            ],
            containers: [mounting([{ name: 'cache', mountPath: '/cache', readOnly: true }])],
            volumes: [hostPath('cache', '/mnt/cache')],
          },
          'shop',
        ),
      ],
      findings: [{ object: web, messageId: 'hostPath', data: { containers: 'prep' } }],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
