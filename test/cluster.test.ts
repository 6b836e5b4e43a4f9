import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { apiGet, mergeKubeconfigs, processAlive, startClusters, type TestCluster } from './cluster/cluster.js'

// Two real control planes (etcd + kube-apiserver v1.32, built from Go modules by
// test/cluster/build.sh), driven with the real kubectl.

const manifests = `
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: v1
kind: Node
metadata:
  name: n1
  labels:
    kubernetes.io/hostname: n1
`

let clusters: TestCluster[] = []

beforeAll(async () => {
  clusters = await startClusters(2, { prefix: 'kubedac-it' })
}, 600_000) // 10 min: a cold machine builds the binaries from Go modules first.

afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()))
}, 60_000)

describe('test clusters (real kube-apiserver)', () => {
  it('starts two independent clusters with their own kubeconfig context', async () => {
    expect(clusters.map((c) => c.context)).toEqual(['kubedac-it-1', 'kubedac-it-2'])
    expect(new Set(clusters.map((c) => c.server)).size).toBe(2)
    for (const c of clusters) {
      const version = JSON.parse((await c.kubectl(['version', '-o', 'json'])).stdout)
      expect(version.serverVersion.gitVersion).toBe('v1.32.13')
    }
  })

  it('applies a Namespace, a Deployment and a Node and sets the Node status via the subresource', async () => {
    const heartbeat = new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d+Z$/, 'Z')
    for (const c of clusters) {
      await c.kubectl(['create', '-f', '-'], { input: manifests })
      const patch = {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'KubeletNotReady',
              message: 'container runtime is down',
              lastHeartbeatTime: heartbeat,
              lastTransitionTime: heartbeat,
            },
          ],
        },
      }
      await c.kubectl([
        'patch',
        'node',
        'n1',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(patch),
      ])

      const node = JSON.parse((await c.kubectl(['get', 'node', 'n1', '-o', 'json'])).stdout)
      expect(node.status.conditions).toEqual([
        expect.objectContaining({
          type: 'Ready',
          status: 'False',
          reason: 'KubeletNotReady',
          lastHeartbeatTime: heartbeat,
        }),
      ])
      const deploy = JSON.parse(
        (await c.kubectl(['get', 'deployment', 'web', '-n', 'shop', '-o', 'json'])).stdout,
      )
      expect(deploy.spec.replicas).toBe(2)
      expect(deploy.spec.template.spec.containers[0].image).toBe('nginx:1.27')
    }
    // The clusters do not share state: deleting in one leaves the other alone.
    await clusters[1]!.kubectl(['delete', 'namespace', 'shop', '--wait=false'])
    const ns = JSON.parse((await clusters[0]!.kubectl(['get', 'namespace', 'shop', '-o', 'json'])).stdout)
    expect(ns.status.phase).toBe('Active')
  })

  it('enforces RBAC: the plain viewer user may not list pods or secrets', async () => {
    const c = clusters[0]!
    const canI = await c.kubectl(['auth', 'can-i', 'list', 'pods', '--as', 'viewer'], { allowFailure: true })
    expect(canI.stdout.trim()).toBe('no')
    expect(canI.code).toBe(1)
    const asAdmin = await c.kubectl(['auth', 'can-i', 'list', 'secrets', '--all-namespaces'])
    expect(asAdmin.stdout.trim()).toBe('yes')

    const denied = await c.kubectl(['get', 'secrets', '-A'], { token: c.viewerToken, allowFailure: true })
    expect(denied.code).not.toBe(0)
    expect(denied.stderr).toMatch(/forbidden.*User "viewer" cannot list resource "secrets"/i)

    const raw = await apiGet(c, '/api/v1/secrets', c.viewerToken)
    expect(raw.status).toBe(403)
    expect((await apiGet(c, '/api/v1/secrets', c.adminToken)).status).toBe(200)
    expect((await apiGet(c, '/api/v1/secrets', 'not-a-token')).status).toBe(401)
  })

  it('writes a merged kubeconfig with one context per cluster', async () => {
    const path = await mergeKubeconfigs(clusters, join(clusters[0]!.dir, 'merged-kubeconfig'))
    const config = parse(await readFile(path, 'utf8'))
    expect(config.contexts.map((ctx: { name: string }) => ctx.name)).toEqual(['kubedac-it-1', 'kubedac-it-2'])
    for (const c of clusters) {
      const nodes = await clusters[0]!.kubectl([
        '--kubeconfig',
        path,
        '--context',
        c.context,
        'get',
        'nodes',
        '-o',
        'name',
      ])
      expect(nodes.stdout.trim()).toBe('node/n1')
    }
  })

  it('stops the clusters and leaves no process behind', async () => {
    const pids = clusters.flatMap((c) => c.pids)
    expect(pids.length).toBe(4)
    expect(pids.every(processAlive)).toBe(true)
    await Promise.all(clusters.map((c) => c.stop()))
    expect(pids.filter(processAlive)).toEqual([])
  }, 60_000)
})

describe('test cluster with kube-controller-manager', () => {
  it('runs the controllers: Deployments get ReplicaSets and Pods, namespaces get a default ServiceAccount', async () => {
    const [c] = await startClusters(1, { prefix: 'kubedac-kcm', controllerManager: true })
    try {
      expect(c!.pids.length).toBe(3)
      await c!.kubectl(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2'])
      // The pods stay Pending (no scheduler, no kubelet), but the ReplicaSet creates them.
      await c!.kubectl(['wait', 'deployment', 'web', '--for=jsonpath={.status.replicas}=2', '--timeout=60s'])
      const pods = JSON.parse((await c!.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json'])).stdout)
      expect(pods.items).toHaveLength(2)
      await c!.kubectl(['get', 'serviceaccount', 'default', '-n', 'default'])
    } finally {
      await c!.stop()
    }
    expect(c!.pids.filter(processAlive)).toEqual([])
  }, 180_000)
})
