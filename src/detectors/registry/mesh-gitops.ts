import type { Detector } from '../../detect/define.js'
import istioAmbientSidecarConflict from '../istio-ambient-sidecar-conflict.js'
import istioConfigBrokenRef from '../istio-config-broken-ref.js'
import istioProxyUnhealthy from '../istio-proxy-unhealthy.js'
import istioProxyVersionSkew from '../istio-proxy-version-skew.js'
import istioRevisionOrphan from '../istio-revision-orphan.js'
import istioSidecarMissing from '../istio-sidecar-missing.js'
import istioStartupRace from '../istio-startup-race.js'
import istioStrictMtlsPlaintextClients from '../istio-strict-mtls-plaintext-clients.js'
import manualDrift from '../manual-drift.js'

/** Built-in TypeScript detectors of this group, in catalogue order (each with `<id>.cases.ts` and a runbook). */
export const detectors: Detector[] = [
  istioSidecarMissing,
  istioProxyVersionSkew,
  istioRevisionOrphan,
  istioProxyUnhealthy,
  istioAmbientSidecarConflict,
  istioStartupRace,
  istioConfigBrokenRef,
  istioStrictMtlsPlaintextClients,
  manualDrift,
]
