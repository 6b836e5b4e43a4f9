import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { clip, containerSpecOf, eventEvidence, forEachContainerStatus } from './lib/k8s.js'

const PULL_REASONS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImageInspectError',
  'RegistryUnavailable',
])

// Compiled once: the kubelet and runtime messages that tell the causes apart (containerd, CRI-O, Docker Hub, ECR, GCR).
const RATE_LIMITED = /toomanyrequests|rate limit|\b429\b/i
const UNAUTHORIZED =
  /unauthorized|authentication required|no basic auth credentials|\b401\b|\b403\b|forbidden|access denied|pull access denied|may require authorization|insufficient_scope/i
const NOT_FOUND = /not found|manifest unknown|does not exist|name unknown|no such image/i
const NETWORK =
  /no such host|i\/o timeout|connection refused|connection reset|network is unreachable|no route to host|tls handshake|x509|certificate|context deadline exceeded|dial tcp|proxyconnect/i

type Cause = 'rateLimited' | 'unauthorized' | 'notFound' | 'network'

function classify(text: string | undefined): Cause | undefined {
  if (!text) return undefined
  if (RATE_LIMITED.test(text)) return 'rateLimited'
  if (UNAUTHORIZED.test(text)) return 'unauthorized'
  if (NOT_FOUND.test(text)) return 'notFound'
  if (NETWORK.test(text)) return 'network'
  return undefined
}

// The kubelet's "Failed" event for this image: its message carries the registry's answer
// when the waiting message only says "Back-off pulling image".
function pullEvent(events: readonly KubeObject[], image: string): KubeObject | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as Record<string, unknown>
    const msg = (e.message ?? e.note) as string | undefined
    if (
      (e.reason === 'Failed' || e.reason === 'ErrImagePull') &&
      typeof msg === 'string' &&
      msg.includes(image)
    )
      return e as KubeObject
  }
  return undefined
}

export default defineDetector({
  meta: {
    id: 'image-pull-failure',
    title: 'Container image cannot be pulled',
    description:
      "The node cannot download the container's image, so the container never starts: the image name or tag is wrong, the registry refuses the credentials, the registry is rate-limiting, or the node cannot reach it. Kubernetes keeps retrying with growing pauses (ImagePullBackOff).",
    severity: 'warning',
    category: 'pod',
    requires: ['v1/Pod'],
    optional: ['v1/Event'],
    messages: {
      notFound:
        'Container {{container}} of pod {{name}} cannot start: image {{image}} was not found in the registry (check the image name and tag).',
      unauthorized:
        'Container {{container}} of pod {{name}} cannot start: the registry refused to give image {{image}} (a missing or wrong pull secret, or an image that does not exist).',
      rateLimited:
        'Container {{container}} of pod {{name}} cannot start: the registry is limiting how often image {{image}} can be pulled.',
      network:
        'Container {{container}} of pod {{name}} cannot start: the node cannot reach the registry of image {{image}} (network, DNS, proxy or certificate problem).',
      invalidName:
        'Container {{container}} of pod {{name}} cannot start: {{image}} is not a valid image name.',
      neverPull:
        'Container {{container}} of pod {{name}} cannot start: image {{image}} is not on the node and its pull policy is Never.',
      pullFailed:
        'Container {{container}} of pod {{name}} cannot start: image {{image}} cannot be pulled ({{reason}}).',
    },
    remediation:
      'See the registry\'s answer: `kubectl describe pod {{name}} -n {{namespace}}` (Events: "Failed to pull image"). Check that the image and tag exist (`docker manifest inspect {{image}}` or `crane manifest {{image}}`); for a private registry, check `imagePullSecrets` on the pod or its service account and that the secret holds valid credentials; for rate limits, use a registry mirror or authenticated pulls; for network errors, test DNS and HTTPS to the registry from the node.',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#imagepullbackoff',
      'https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/',
    ],
  },
  detect({ snapshot, report }) {
    const withEvents = snapshot.has('v1/Event')
    for (const pod of snapshot.list('v1/Pod')) {
      forEachContainerStatus(pod, (s, init) => {
        const waiting = s.state?.waiting
        const reason = waiting?.reason
        if (!reason || !PULL_REASONS.has(reason)) return
        const specImage: unknown = containerSpecOf(pod.spec, s.name)?.image
        const image = typeof specImage === 'string' ? specImage : (s.image ?? 'unknown')
        const event = withEvents ? pullEvent(snapshot.eventsFor(pod), image) : undefined
        let messageId: string
        if (reason === 'InvalidImageName') messageId = 'invalidName'
        else if (reason === 'ErrImageNeverPull') messageId = 'neverPull'
        else
          messageId =
            classify(waiting?.message) ??
            classify(
              event ? ((event as Record<string, unknown>).message as string | undefined) : undefined,
            ) ??
            (reason === 'RegistryUnavailable' ? 'network' : 'pullFailed')
        const evidence: Record<string, unknown> = {
          container: s.name,
          init,
          image,
          waiting: { reason, message: clip(waiting?.message) },
        }
        if (event) evidence.event = eventEvidence(event)
        report({ object: pod, messageId, key: s.name, data: { container: s.name, image, reason }, evidence })
      })
    }
  },
})
