// The synthetic fleet that bench:store and bench:api fill their stores with: 50 findings per
// cluster by default, ~20 causes per cluster, fleet keys on a few detectors, random-looking
// fingerprints. Deterministic (seeded per cluster), so every run and both databases get the same
// fleet, and a cluster's scan is made when it is recorded (as a real scan is) instead of the whole
// fleet sitting in memory.
//
//   const fleet = syntheticFleet({ clusters: 10_000, per: 50 })
//   await fill(store, fleet, { concurrency: 256 })

/** The fleet's generator: scanOf(c) is cluster c's first scan; pick.* give random filter values. */
export function syntheticFleet({ clusters: CLUSTERS, per: PER }) {
  let seed = 42
  const rnd = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed / 2_147_483_648
  }
  // Fingerprints are hashes in real life, spread at random over the key space: a fast 64-bit mix
  // (splitmix64) gives the same spread without the cost of sha256.
  const MASK = (1n << 64n) - 1n
  function mix(x) {
    x = (x + 0x9e3779b97f4a7c15n) & MASK
    x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK
    x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & MASK
    return x ^ (x >> 31n)
  }
  const fingerprint = (c, i) => {
    const a = mix(BigInt(c) * 100_000n + BigInt(i))
    return a.toString(16).padStart(16, '0') + mix(a).toString(16).padStart(16, '0')
  }
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)]

  const DETECTORS = [
    ['container-crashloop', 'critical', 'workload', 'Deployment', 'apps/v1'],
    ['image-pull-failure', 'critical', 'workload', 'Deployment', 'apps/v1'],
    ['deployment-replicas-unavailable', 'critical', 'workload', 'Deployment', 'apps/v1'],
    ['node-not-ready', 'critical', 'node', 'Node', 'v1'],
    ['pvc-pending', 'warning', 'storage', 'PersistentVolumeClaim', 'v1'],
    ['hpa-missing-resource-requests', 'warning', 'autoscaling', 'HorizontalPodAutoscaler', 'autoscaling/v2'],
    ['pdb-missing', 'warning', 'reliability', 'Deployment', 'apps/v1'],
    ['single-replica', 'warning', 'reliability', 'Deployment', 'apps/v1'],
    ['service-no-endpoints', 'warning', 'networking', 'Service', 'v1'],
    ['readiness-probe-missing', 'warning', 'reliability', 'Deployment', 'apps/v1'],
    ['memory-limit-missing', 'warning', 'workload', 'Deployment', 'apps/v1'],
    ['node-version-skew', 'warning', 'node', 'Node', 'v1'],
    ['deprecated-api-version', 'warning', 'configuration', 'Ingress', 'networking.k8s.io/v1'],
    ['image-tag-mutable', 'info', 'security', 'Deployment', 'apps/v1'],
    ['run-as-root', 'info', 'security', 'Deployment', 'apps/v1'],
    ['seccomp-profile-missing', 'info', 'security', 'Deployment', 'apps/v1'],
    ['readonly-root-filesystem-missing', 'info', 'security', 'Deployment', 'apps/v1'],
    ['sa-token-automount', 'info', 'security', 'ServiceAccount', 'v1'],
    ['liveness-probe-missing', 'info', 'reliability', 'Deployment', 'apps/v1'],
    ['configmap-unused', 'info', 'hygiene', 'ConfigMap', 'v1'],
  ]
  // Fleet-wide causes: the same kubelet, registry or image on many clusters.
  const FLEET = {
    'node-version-skew': ['kubelet v1.27.3', 'kubelet v1.26.9', 'kubelet v1.28.1'],
    'image-pull-failure': ['registry.example.com', 'ghcr.io/acme', 'quay.io/legacy'],
    'deprecated-api-version': ['networking.k8s.io/v1beta1 Ingress', 'policy/v1beta1 PodDisruptionBudget'],
  }
  const NAMESPACES = Array.from(
    { length: 40 },
    (_, i) =>
      pick(['payments', 'checkout', 'search', 'catalog', 'identity', 'ingest', 'billing', 'ml']) + `-${i}`,
  )
  const APPS = [
    'api',
    'worker',
    'frontend',
    'gateway',
    'scheduler',
    'exporter',
    'consumer',
    'indexer',
    'cache',
  ]
  const TEAMS = Array.from({ length: 20 }, (_, i) => `team-${i}`)
  const REMEDIATION = 'Fix the workload: see the runbook for the steps, then watch the next scan resolve it.'

  function clusterInput(c, now) {
    seed = 1 + c
    const name = `prod-${['eu', 'us', 'ap'][c % 3]}-${String(c).padStart(5, '0')}`
    const labels = {
      team: TEAMS[c % TEAMS.length],
      env: ['prod', 'staging', 'dev'][c % 3],
      region: ['eu', 'us', 'ap'][c % 3],
    }
    const findings = []
    // About 20 workloads per cluster with findings, so a workload's findings share a cause (an incident).
    const workloads = Array.from({ length: Math.max(1, Math.round(PER / 2.5)) }, () => [
      pick(NAMESPACES),
      `${pick(APPS)}-${Math.floor(rnd() * 50)}`,
    ])
    for (let i = 0; i < PER; i++) {
      const [detector, severity, category, kind, apiVersion] = pick(DETECTORS)
      const [wns, app] = pick(workloads)
      const ns = kind === 'Node' ? undefined : wns
      const objName =
        kind === 'Node' ? `ip-10-${c % 250}-${i}-${Math.floor(rnd() * 250)}.ec2.internal` : `${app}-${i}`
      const fleetKeys = FLEET[detector]
      const f = {
        detector,
        title: `${detector.replaceAll('-', ' ')} on ${kind}`,
        severity,
        category,
        cluster: name,
        object: { apiVersion, kind, namespace: ns, name: objName },
        messageId: 'default',
        message: `${kind} ${ns ? `${ns}/` : ''}${objName}: ${detector.replaceAll('-', ' ')} for ${Math.floor(rnd() * 600)}s (observed ${Math.floor(rnd() * 40)} times, last reason ${pick(['BackOff', 'ErrImagePull', 'FailedScheduling', 'Unhealthy'])})`,
        evidence: {
          reason: pick(['BackOff', 'ErrImagePull', 'Unhealthy']),
          restarts: Math.floor(rnd() * 100),
          pods: [`${app}-${i}-abc12`, `${app}-${i}-def34`],
        },
        remediation: REMEDIATION,
        runbook: `https://kubedac.dev/runbooks/${detector}`,
        fingerprint: fingerprint(c, i),
        // A few findings share a cause (the workload), so incidents group 1–3 findings.
        cause: `${kind}/${ns ?? ''}/${kind === 'Node' ? objName : app}`,
        objectLabels: { app, 'app.kubernetes.io/part-of': ns ?? 'node' },
      }
      if (fleetKeys) f.fleetKey = pick(fleetKeys)
      findings.push(f)
    }
    return {
      cluster: { name, source: `context ${name}`, labels },
      result: {
        name,
        source: `context ${name}`,
        status: 'scanned',
        objects: 2000 + PER * 10,
        skipped: [],
        errors: [],
      },
      findings,
      detectorsRan: DETECTORS.map((d) => d[0]),
      now,
    }
  }

  const BASE = Date.UTC(2026, 0, 1)
  // Round r is the fleet scanned again a day later: the same findings (seeded per cluster), seen again.
  const scanOf = (c, round = 0) => clusterInput(c, new Date(BASE + round * 86_400_000 + c * 1000))
  const clusterNames = Array.from({ length: CLUSTERS }, (_, c) => scanOf(c).cluster.name)
  return {
    clusters: CLUSTERS,
    scanOf,
    clusterNames,
    pick: {
      cluster: () => pick(clusterNames),
      detector: () => pick(DETECTORS)[0],
      namespace: () => pick(NAMESPACES),
      team: () => pick(TEAMS),
    },
  }
}

/**
 * Records every cluster's first scan (or, with `round` r > 0, its scan r days later, which reports
 * the same findings again), `concurrency` recordScan calls in flight (they share transactions: the
 * store's group commit); the time includes making each scan's findings.
 */
export async function fill(store, fleet, { concurrency = 256, round = 0 } = {}) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let next = 0
  let findings = 0
  const worker = async () => {
    while (next < fleet.clusters) {
      const input = fleet.scanOf(next++, round)
      await store.recordScan(input)
      findings += input.findings.length
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const c = process.cpuUsage(c0)
  return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, findings }
}
