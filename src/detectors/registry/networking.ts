import type { Detector } from '../../detect/define.js'
import ingressBrokenRef from '../ingress-broken-ref.js'
import ingressNoClass from '../ingress-no-class.js'
import networkpolicySelectsNothing from '../networkpolicy-selects-nothing.js'
import networkpolicyUncovered from '../networkpolicy-uncovered.js'
import serviceNoEndpoints from '../service-no-endpoints.js'
import serviceNotreadyEndpoints from '../service-notready-endpoints.js'
import serviceSelectorNoPods from '../service-selector-no-pods.js'
import serviceTargetportMismatch from '../service-targetport-mismatch.js'
import webhookBackendDown from '../webhook-backend-down.js'

/** Built-in TypeScript detectors of this group, in catalogue order (each with `<id>.cases.ts` and a runbook). */
export const detectors: Detector[] = [
  serviceNoEndpoints,
  serviceNotreadyEndpoints,
  serviceSelectorNoPods,
  serviceTargetportMismatch,
  ingressBrokenRef,
  ingressNoClass,
  webhookBackendDown,
  networkpolicySelectsNothing,
  networkpolicyUncovered,
]
