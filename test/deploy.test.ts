import { mkdirSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../src/core/types.js'
import { startClusters, type TestCluster } from './cluster/cluster.js'
import { ROOT, kubedac, tempDir } from './e2e/helpers.js'
import { seedNotReadyNode } from './support/live-seeds.js'

// deploy/: the namespace, generated RBAC, Job and CronJob applied to a real API server (server-side
// validation, Pod Security "restricted" warnings), the service account's rights, and a scan from
// "inside" the cluster: the built CLI with KUBERNETES_SERVICE_HOST/PORT and a service-account
// directory holding a token from `kubectl create token` (there is no kubelet here to run the pod).
const SA = 'system:serviceaccount:kubedac:kubedac'
let cluster: TestCluster
let token = ''
let saDir = ''
const dirs: string[] = []

type Pod = {
  automountServiceAccountToken?: boolean
  serviceAccountName?: string
  securityContext: Record<string, unknown>
  containers: {
    args: string[]
    resources: { requests?: Record<string, string>; limits?: Record<string, string> }
    securityContext: Record<string, unknown>
    volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[]
  }[]
  volumes: { name: string; projected?: { sources: Record<string, Record<string, unknown>>[] } }[]
}

function inPod(args: string[], env: Record<string, string> = {}) {
  const home = tempDir('kubedac-pod-home-')
  dirs.push(home)
  const port = new URL(cluster.server).port
  return kubedac(args, {
    env: {
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: port,
      KUBEDAC_SERVICEACCOUNT_DIR: saDir,
      HOME: home,
      KUBECONFIG: '',
      ...env,
    },
  })
}

beforeAll(async () => {
  ;[cluster] = (await startClusters(1, { prefix: 'kubedac-deploy' })) as [TestCluster]
  await seedNotReadyNode(cluster)
}, 600_000)

afterAll(async () => {
  await cluster?.stop()
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

describe('deploy/ manifests on a real API server', () => {
  it('builds with kustomize into the namespace, the generated RBAC and the CronJob', async () => {
    const out = (await cluster.kubectl(['kustomize', join(ROOT, 'deploy')])).stdout
    const kinds = out
      .split(/^---$/m)
      .map((d) => /^kind: (\w+)/m.exec(d)?.[1])
      .sort()
    expect(kinds).toEqual(['ClusterRole', 'ClusterRoleBinding', 'CronJob', 'Namespace', 'ServiceAccount'])
    expect(out).toContain('image: kubedac:0.1.0')
  })

  it('validates server-side, then applies, without a Pod Security "restricted" warning', async () => {
    const ns = join(ROOT, 'deploy', 'namespace.yaml')
    const dry = await cluster.kubectl(['apply', '--dry-run=server', '-f', ns])
    expect(dry.stdout).toContain('namespace/kubedac created (server dry run)')
    await cluster.kubectl(['apply', '-f', ns])
    const k = await cluster.kubectl(['apply', '--dry-run=server', '-k', join(ROOT, 'deploy')])
    expect(k.stdout).toContain('cronjob.batch/kubedac-scan created (server dry run)')
    const job = join(ROOT, 'deploy', 'job.yaml')
    const jdry = await cluster.kubectl(['apply', '--dry-run=server', '-f', job])
    expect(jdry.stdout).toContain('job.batch/kubedac-scan created (server dry run)')
    for (const r of [
      await cluster.kubectl(['apply', '-k', join(ROOT, 'deploy')]),
      await cluster.kubectl(['apply', '-f', job]),
    ])
      expect(r.stderr).not.toMatch(/Warning/i)
  })

  it('would be warned about by Pod Security if it were not hardened (the check above can fail)', async () => {
    const loose = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'loose', namespace: 'kubedac' },
      spec: {
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'kubedac:0.1.0' }] },
        },
      },
    }
    const r = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: JSON.stringify(loose),
    })
    expect(r.stderr).toMatch(/Warning: would violate PodSecurity "restricted:latest"/)
  })

  it('keeps the hardening in the stored Job and CronJob', async () => {
    const job = JSON.parse(
      (await cluster.kubectl(['get', 'job', 'kubedac-scan', '-n', 'kubedac', '-o', 'json'])).stdout,
    )
    const cron = JSON.parse(
      (await cluster.kubectl(['get', 'cronjob', 'kubedac-scan', '-n', 'kubedac', '-o', 'json'])).stdout,
    )
    expect(cron.spec).toMatchObject({ schedule: '17 * * * *', concurrencyPolicy: 'Forbid' })
    for (const pod of [job.spec.template.spec, cron.spec.jobTemplate.spec.template.spec] as Pod[]) {
      expect(pod.serviceAccountName).toBe('kubedac')
      expect(pod.automountServiceAccountToken).toBe(false)
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      })
      const [c] = pod.containers
      expect(c!.args.slice(0, 4)).toEqual(['scan', '--in-cluster', '--format', 'json'])
      expect(c!.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      })
      expect(c!.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) })
      expect(c!.resources.limits).toMatchObject({ memory: expect.any(String) })
      // The only token: projected, short-lived, mounted read-only where in-cluster mode looks for it.
      const mount = c!.volumeMounts.find(
        (m) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount',
      )
      expect(mount?.readOnly).toBe(true)
      const vol = pod.volumes.find((v) => v.name === mount?.name)
      expect(vol?.projected?.sources[0]).toEqual({
        serviceAccountToken: { path: 'token', expirationSeconds: 3600 },
      })
    }
  })

  it("gives the service account's token read-only rights on what the scan needs, and no Secrets", async () => {
    token = (
      await cluster.kubectl(['create', 'token', 'kubedac', '-n', 'kubedac', '--duration=1h'])
    ).stdout.trim()
    // Asked with the token itself (token authentication), not by impersonation.
    const list = (await cluster.kubectl(['auth', 'can-i', '--list'], { token })).stdout
    const rows = list
      .split('\n')
      .slice(1)
      .map((l) => /^(\S+)\s.*\[([^\]]*)\]\s*$/.exec(l))
      .filter((m): m is RegExpExecArray => !!m && !m[1]!.startsWith('/'))
      .map((m) => ({ resource: m[1]!, verbs: m[2]!.split(' ').filter(Boolean) }))
    expect(rows.length).toBeGreaterThan(20)
    const writes = rows.filter(
      (r) =>
        r.verbs.some((v) => !['get', 'list', 'watch'].includes(v)) &&
        // Every authenticated user may ask who it is and what it may do.
        !/^self(subject\w*reviews)\./.test(r.resource),
    )
    expect(writes).toEqual([])
    expect(rows.filter((r) => r.resource === 'secrets' || r.resource.startsWith('secrets.'))).toEqual([])
    for (const r of ['pods', 'nodes', 'deployments.apps', 'events'])
      expect(
        `${r}: ${(await cluster.kubectl(['auth', 'can-i', 'list', r, '-A'], { token, allowFailure: true })).stdout.trim()}`,
      ).toBe(`${r}: yes`)
    expect(
      (
        await cluster.kubectl(['auth', 'can-i', 'get', 'secrets', '-A', '--as', SA], { allowFailure: true })
      ).stdout.trim(),
    ).toBe('no')
  })
})

describe('in-cluster mode (the service account of a pod)', () => {
  beforeAll(() => {
    saDir = tempDir('kubedac-sa-')
    dirs.push(saDir)
    mkdirSync(saDir, { recursive: true })
    // As the kubelet writes them: the token without a newline, the cluster CA, the namespace.
    writeFileSync(join(saDir, 'token'), token)
    writeFileSync(join(saDir, 'ca.crt'), cluster.caData)
    writeFileSync(join(saDir, 'namespace'), 'kubedac')
  })

  it('scans the cluster it runs in when nothing is named, with the JSON report alone on stdout', () => {
    const r = inPod(['scan', '--format', 'json'])
    const report = JSON.parse(r.stdout) as Report
    expect(report.clusters.map((c) => [c.name, c.source, c.status])).toEqual([
      ['in-cluster', 'in-cluster', 'scanned'],
    ])
    expect(report.errors).toEqual([])
    expect(report.findings.map((f) => `${f.detector} ${f.object.name}`)).toContain('node-not-ready n1')
    expect(r.stderr).toBe('')
    expect(r.stdout).not.toContain(token)
    expect(r.code).toBe(1) // node-not-ready is critical
  })

  it('as the Job runs it: --in-cluster, named with --cluster, findings do not fail it with --fail-on none', () => {
    const r = inPod([
      'scan',
      '--in-cluster',
      '--cluster',
      'prod-eu',
      '--format',
      'json',
      '--fail-on',
      'none',
      '--no-progress',
    ])
    const report = JSON.parse(r.stdout) as Report
    expect(report.clusters.map((c) => [c.name, c.status])).toEqual([['prod-eu', 'scanned']])
    expect(report.findings.length).toBeGreaterThan(0)
    expect(r.code).toBe(0)
  })

  it('plans from inside: discovery with the service account', () => {
    const r = inPod(['plan', '--in-cluster', '--format', 'json'])
    const plan = JSON.parse(r.stdout) as {
      clusters: { name: string; status: string; list: { kind: string }[] }[]
    }
    expect(plan.clusters[0]).toMatchObject({ name: 'in-cluster', status: 'scanned' })
    expect(plan.clusters[0]!.list.map((l) => l.kind)).toContain('Pod')
  })

  it('without a token, says where it looked, and exits 2 having scanned nothing', () => {
    const empty = tempDir('kubedac-no-sa-')
    dirs.push(empty)
    const r = inPod(['scan', '--in-cluster', '--format', 'json'], { KUBEDAC_SERVICEACCOUNT_DIR: empty })
    const report = JSON.parse(r.stdout) as Report
    expect(report.clusters[0]?.status).toBe('unreachable')
    expect(report.errors[0]?.message).toContain(`in-cluster: no service-account token in ${empty}`)
    expect(r.code).toBe(2)
  })

  it('outside a pod, with nothing named, is a usage error', () => {
    const r = inPod(['scan'], { KUBERNETES_SERVICE_HOST: '' })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('name files or folders to scan')
  })
})
