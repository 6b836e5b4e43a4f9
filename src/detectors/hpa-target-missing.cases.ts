import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './hpa-target-missing.js'
import { conditionList, deployment, hpa, statefulSet } from './lib/fixtures.js'

const NOT_FOUND_MSG =
  'the HPA controller was unable to get the target\'s current scale: deployments/scale.apps "checkout" not found'

// An HPA whose status says it cannot find its target.
function reportsNotFound(
  name: string,
  target: { kind: string; name: string; apiVersion?: string },
): KubeObject {
  return hpa(name, {
    target,
    status: {
      currentReplicas: 0,
      desiredReplicas: 0,
      conditions: conditionList({
        AbleToScale: ['False', 'FailedGetScale', '2026-03-01T08:00:00Z', NOT_FOUND_MSG],
      }),
    },
  })
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the target Deployment exists',
      objects: [...deployment('web'), hpa('web')],
    },
    {
      name: 'does not fire when the target is a StatefulSet that exists',
      objects: [statefulSet('db'), hpa('db', { target: { kind: 'StatefulSet', name: 'db' } })],
    },
    {
      name: 'does not fire when the target kind was not collected and the HPA reports no problem',
      objects: [...deployment('web'), hpa('db', { target: { kind: 'StatefulSet', name: 'db' } })],
    },
    {
      name: 'does not fire on a custom resource target that kubedac does not read',
      objects: [
        ...deployment('web'),
        hpa('workers', { target: { apiVersion: 'example.com/v1', kind: 'WorkerPool', name: 'workers' } }),
      ],
    },
    {
      name: 'does not fire on an HPA whose scale read fails for another reason than not found',
      objects: [
        hpa('workers', {
          target: { apiVersion: 'example.com/v1', kind: 'WorkerPool', name: 'workers' },
          status: {
            conditions: conditionList({
              AbleToScale: [
                'False',
                'FailedGetScale',
                '2026-03-01T08:00:00Z',
                "the HPA controller was unable to get the target's current scale: the server could not find the requested resource",
              ],
            }),
          },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when no Deployment by that name exists',
      objects: [...deployment('web'), hpa('checkout')],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'checkout' },
          messageId: 'missing',
          data: { target: 'Deployment/checkout' },
        },
      ],
    },
    {
      name: 'fires when the Deployment of that name is in another namespace',
      objects: [...deployment('checkout', { namespace: 'shop' }), hpa('checkout', { namespace: 'web' })],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'web', name: 'checkout' },
          messageId: 'missing',
        },
      ],
    },
    {
      name: 'fires when the workload became a StatefulSet but the HPA still names a Deployment',
      objects: [statefulSet('db'), ...deployment('web'), hpa('db')],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'db' },
          messageId: 'missing',
          data: { target: 'Deployment/db' },
        },
      ],
    },
    {
      name: 'fires on the HPA condition when the target kind was not collected',
      objects: [reportsNotFound('checkout', { kind: 'Deployment', name: 'checkout' })],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'checkout' },
          messageId: 'reportedMissing',
          data: { target: 'Deployment/checkout' },
        },
      ],
    },
    {
      name: 'fires when Deployments were collected and there are none at all',
      objects: [hpa('checkout')],
      collected: ['apps/v1/Deployment'],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'checkout' },
          messageId: 'missing',
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when HPAs were not collected', objects: deployment('web') }],
})
