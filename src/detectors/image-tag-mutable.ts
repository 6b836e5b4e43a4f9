import { defineDetector } from '../detect/define.js'
import { EXCLUDE_NAMESPACES_PARAM, excludedNamespaces, kindName, mutableImage } from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates, templateContainers } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'image-tag-mutable',
    title: 'Container image is not pinned to a version',
    description:
      'An image without a tag means `:latest`, and `:latest` is moved by every push. Pods of one workload can then run different code depending on when their node pulled the image; a restart or a reschedule silently upgrades (or downgrades) a pod; and a rollback to "the previous version" restores the same moving tag. Pin a version tag, or better a digest, so that what runs is what was reviewed.',
    severity: 'info',
    category: 'reliability',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      untagged:
        'Container {{container}} of {{workload}} uses image {{image}} without a tag, which means :latest: pods may run different versions, and a restart can change the code without a rollout.',
      latest:
        'Container {{container}} of {{workload}} uses image {{image}}: the :latest tag moves with every push, so pods may run different versions and a restart can change the code without a rollout.',
    },
    remediation:
      'Pin container {{container}} of {{workload}} to an immutable version: a release tag (`{{repository}}:1.4.2`) or a digest (`{{repository}}@sha256:…`, from `docker buildx imagetools inspect {{repository}}:latest` or your registry). See which versions the pods run now with `kubectl get pods -n {{namespace}} -o custom-columns=POD:.metadata.name,IMAGES:.status.containerStatuses[*].imageID`, then set the image in Git (or `kubectl set image {{workload}} {{container}}={{repository}}:<version> -n {{namespace}}`).',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-names',
      'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
    ],
    params: { excludeNamespaces: EXCLUDE_NAMESPACES_PARAM },
  },
  detect({ snapshot, report, params }) {
    const excluded = excludedNamespaces(params)
    for (const t of podTemplates(snapshot)) {
      if (excluded.has(t.namespace)) continue
      for (const { c, name, kind } of templateContainers(t.spec)) {
        const why = mutableImage(c.image)
        if (!why) continue
        const image = c.image as string
        const repository = why === 'latest' ? image.slice(0, -':latest'.length) : image
        report({
          object: t.owner,
          messageId: why,
          key: name,
          data: { container: name, workload: kindName(t.owner), image, repository },
          evidence: {
            container: name,
            init: kind === 'init',
            image,
            imagePullPolicy: c.imagePullPolicy ?? 'Always (default for :latest)',
          },
        })
      }
    }
  },
})
