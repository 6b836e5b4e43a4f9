import { defineDetector } from '../detect/define.js'
import {
  HPA,
  TARGET_KINDS,
  hpaNames,
  refText,
  scaledWorkloads,
  type ScaledWorkload,
} from './lib/autoscaling.js'
import { humanBytes, parseQuantity } from './lib/k8s.js'

const NODE = 'v1/Node'

/** The names a node may list an image under: as written, and fully qualified (`nginx` → `docker.io/library/nginx:latest`). */
function imageNames(image: string): string[] {
  const out = [image]
  const at = image.indexOf('@')
  const path = at < 0 ? image : image.slice(0, at)
  const slash = path.indexOf('/')
  const first = slash < 0 ? '' : path.slice(0, slash)
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost'
  let full = image
  if (!hasRegistry) full = (slash < 0 ? 'docker.io/library/' : 'docker.io/') + image
  // A tag is a colon after the last slash; without tag or digest, the runtime pulls `latest`.
  const fullPath = at < 0 ? full : full.slice(0, full.indexOf('@'))
  if (at < 0 && !fullPath.slice(fullPath.lastIndexOf('/') + 1).includes(':')) full += ':latest'
  if (full !== image) out.push(full)
  return out
}

export default defineDetector({
  meta: {
    id: 'hpa-large-image',
    title: 'Workload scaled by an HPA has a large image',
    description:
      "When an HPA adds pods, they often land on nodes that have never run the image (a new node from the node autoscaler, or one that pruned it), and the pod cannot start until the whole image is pulled. Large images (hundreds of megabytes to gigabytes) take tens of seconds to minutes to pull, exactly when the workload is overloaded and waiting for help. Sizes come from the nodes' own list of images (status.images).",
    severity: 'info',
    category: 'autoscaling',
    requires: [HPA, NODE],
    requiresAny: TARGET_KINDS,
    messages: {
      large:
        'Image {{image}} of container {{container}} in {{target}}, scaled by HPA {{hpa}}, is {{size}}: a node without it must pull it before each new pod can start, which slows every scale-up onto fresh nodes.',
    },
    remediation:
      'Make the image of {{target}} smaller: a multi-stage build that ships only the runtime and the application, a slim or distroless base, no build tools or caches in the final layer (`docker history {{image}}` shows what is heavy). Where that is not enough, pre-pull it on new nodes (a DaemonSet or the node image), or enable image streaming / lazy pulling if your platform offers it. Compare sizes with `kubectl get nodes -o jsonpath=\'{range .items[*].status.images[*]}{.sizeBytes} {.names[0]}{"\\n"}{end}\' | sort -n | tail`.',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/',
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
    ],
    params: {
      maxImageSize: {
        default: '500M',
        description: 'Images larger than this quantity fire (500M is 500 MB; 1Gi also works).',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const limit = parseQuantity(params.maxImageSize)
    // Which names to look for, and for whom.
    const wanted = new Map<string, string>()
    const uses: { w: ScaledWorkload; container: string; image: string }[] = []
    for (const w of scaledWorkloads(snapshot)) {
      if (!w.spec) continue
      for (const field of ['initContainers', 'containers']) {
        const list: unknown = w.spec[field]
        if (!Array.isArray(list)) continue
        for (const c of list) {
          if (!c || typeof c.name !== 'string' || typeof c.image !== 'string' || !c.image) continue
          uses.push({ w, container: c.name, image: c.image })
          for (const n of imageNames(c.image)) wanted.set(n, c.image)
        }
      }
    }
    if (uses.length === 0) return
    const size = new Map<string, number>()
    for (const node of snapshot.list(NODE)) {
      const images: unknown = node.status?.images
      if (!Array.isArray(images)) continue
      for (const img of images) {
        const names: unknown = img?.names
        const bytes: unknown = img?.sizeBytes
        if (!Array.isArray(names) || typeof bytes !== 'number') continue
        for (const n of names) {
          const image = typeof n === 'string' ? wanted.get(n) : undefined
          if (image !== undefined && bytes > (size.get(image) ?? 0)) size.set(image, bytes)
        }
      }
    }
    for (const u of uses) {
      const bytes = size.get(u.image)
      if (bytes === undefined || !(bytes > limit)) continue
      report({
        object: u.w.target,
        key: u.container,
        messageId: 'large',
        data: {
          image: u.image,
          container: u.container,
          target: refText(u.w.target),
          hpa: hpaNames(u.w.hpas),
          size: humanBytes(bytes),
        },
        evidence: {
          image: u.image,
          sizeBytes: bytes,
          size: humanBytes(bytes),
          threshold: String(params.maxImageSize),
        },
      })
    }
  },
})
