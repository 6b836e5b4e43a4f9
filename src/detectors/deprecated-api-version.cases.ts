import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './deprecated-api-version.js'
import { container, pdb, workload } from './lib/reliability.js'

const ingress = (apiVersion: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion,
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'shop', ...extra },
  spec: { rules: [{ host: 'shop.example.com' }] },
})
const cronJob = (apiVersion: string): KubeObject => ({
  ...workload('CronJob', 'report', { containers: [container()], restartPolicy: 'OnFailure' }),
  apiVersion,
})
const hpa = (apiVersion: string): KubeObject => ({
  apiVersion,
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 5,
  },
})
const psp: KubeObject = {
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: { name: 'restricted' },
  spec: { privileged: false },
}
const lastApplied = (apiVersion: string) => ({
  annotations: {
    'kubectl.kubernetes.io/last-applied-configuration': `{"apiVersion":"${apiVersion}","kind":"Ingress","metadata":{"annotations":{},"name":"web","namespace":"shop"},"spec":{}}\n`,
  },
})

// One event as the core API and events.k8s.io serve it, created from an events.k8s.io/v1beta1 manifest.
const appliedEvent = (apiVersion: 'v1' | 'events.k8s.io/v1'): KubeObject => ({
  apiVersion,
  kind: 'Event',
  metadata: {
    name: 'web.17f2',
    namespace: 'shop',
    uid: 'ev-1',
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration':
        '{"apiVersion":"events.k8s.io/v1beta1","kind":"Event","metadata":{"name":"web.17f2","namespace":"shop"}}\n',
    },
  },
  type: 'Warning',
  reason: 'Manual',
})
const eventFinding = {
  object: { kind: 'Event', namespace: 'shop', name: 'web.17f2' },
  messageId: 'lastApplied',
  data: { apiVersion: 'events.k8s.io/v1beta1', replacement: 'events.k8s.io/v1' },
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on current API versions',
      objects: [
        ingress('networking.k8s.io/v1'),
        cronJob('batch/v1'),
        hpa('autoscaling/v2'),
        pdb('web'),
        workload('Deployment', 'web', { containers: [container()] }),
      ],
    },
    { name: 'does not fire on autoscaling/v1, which is still served', objects: [hpa('autoscaling/v1')] },
    {
      name: 'does not fire when the last applied manifest used the current version too',
      objects: [ingress('networking.k8s.io/v1', lastApplied('networking.k8s.io/v1'))],
    },
    {
      name: 'does not fire on an API removed after the target version',
      objects: [hpa('autoscaling/v2beta2')],
      params: { targetVersion: '1.25' },
    },
  ],
  invalid: [
    {
      name: 'fires on an Ingress in extensions/v1beta1, removed in 1.22',
      objects: [ingress('extensions/v1beta1')],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          messageId: 'removed',
          data: { apiVersion: 'extensions/v1beta1', removedIn: 'v1.22', replacement: 'networking.k8s.io/v1' },
        },
      ],
    },
    {
      name: 'fires on rendered manifests in several removed versions',
      objects: [
        cronJob('batch/v1beta1'),
        hpa('autoscaling/v2beta2'),
        pdb('web', { apiVersion: 'policy/v1beta1' }),
        { ...workload('Deployment', 'legacy', { containers: [container()] }), apiVersion: 'apps/v1beta2' },
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'report' },
          messageId: 'removed',
          data: { removedIn: 'v1.25', replacement: 'batch/v1' },
        },
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'removed',
          data: { removedIn: 'v1.26' },
        },
        {
          object: { kind: 'PodDisruptionBudget', namespace: 'default', name: 'web' },
          messageId: 'removed',
          data: { replacement: 'policy/v1' },
        },
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'legacy' },
          messageId: 'removed',
          data: { removedIn: 'v1.16', replacement: 'apps/v1' },
        },
      ],
    },
    {
      name: 'fires with removedNoReplacement on a PodSecurityPolicy',
      objects: [psp],
      findings: [
        {
          object: { kind: 'PodSecurityPolicy', name: 'restricted' },
          messageId: 'removedNoReplacement',
          data: {
            removedIn: 'v1.25',
            replacement:
              'Pod Security Admission (the pod-security.kubernetes.io/enforce label on namespaces)',
          },
        },
      ],
    },
    {
      name: 'fires on a live object last applied from an extensions/v1beta1 manifest',
      objects: [ingress('networking.k8s.io/v1', lastApplied('extensions/v1beta1'))],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'shop', name: 'web' },
          messageId: 'lastApplied',
          data: { apiVersion: 'extensions/v1beta1', replacement: 'networking.k8s.io/v1' },
        },
      ],
    },
    {
      name: 'fires on a core Event last applied from an events.k8s.io/v1beta1 manifest (a live scan lists core Events only)',
      objects: [appliedEvent('v1')],
      findings: [eventFinding],
    },
    {
      name: 'fires once on an event listed under both APIs',
      objects: [appliedEvent('v1'), appliedEvent('events.k8s.io/v1')],
      findings: [eventFinding],
    },
    {
      name: 'fires on an API removed in the target version',
      objects: [hpa('autoscaling/v2beta2')],
      params: { targetVersion: 'v1.26.3' },
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'removed',
        },
      ],
    },
  ],
  skip: [
    { name: 'is skipped when none of the kinds concerned was collected', objects: [], collected: ['v1/Pod'] },
  ],
})
