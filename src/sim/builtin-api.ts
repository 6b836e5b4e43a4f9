// Aggregated discovery documents (apidiscovery.k8s.io/v2) recorded from a real kube-apiserver
// v1.32.13 with default flags and feature gates (test/cluster), so the simulator serves exactly the
// groups, versions, resources, verbs, short names and subresources a v1.32 cluster serves.

/** A resource in an aggregated discovery document. */
export interface DiscoveryResource {
  resource: string
  responseKind: { group: string; version: string; kind: string }
  scope: 'Namespaced' | 'Cluster'
  singularResource: string
  verbs: string[]
  shortNames?: string[]
  categories?: string[]
  subresources?: {
    subresource: string
    responseKind: { group: string; version: string; kind: string }
    verbs: string[]
  }[]
}

/** A group in an aggregated discovery document; versions in order of preference. */
export interface DiscoveryGroup {
  metadata: { name?: string; creationTimestamp: null }
  versions: { version: string; resources: DiscoveryResource[]; freshness?: string }[]
}

/** An aggregated discovery document (`APIGroupDiscoveryList`). */
export interface DiscoveryList {
  kind: 'APIGroupDiscoveryList'
  apiVersion: 'apidiscovery.k8s.io/v2'
  metadata: Record<string, never>
  items: DiscoveryGroup[]
}

/** `/api` (the core group). */
export const AGGREGATED_CORE: DiscoveryList = {
  kind: 'APIGroupDiscoveryList',
  apiVersion: 'apidiscovery.k8s.io/v2',
  metadata: {},
  items: [
    {
      metadata: { creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'bindings',
              responseKind: { group: '', version: '', kind: 'Binding' },
              scope: 'Namespaced',
              singularResource: 'binding',
              verbs: ['create'],
            },
            {
              resource: 'componentstatuses',
              responseKind: { group: '', version: '', kind: 'ComponentStatus' },
              scope: 'Cluster',
              singularResource: 'componentstatus',
              verbs: ['get', 'list'],
              shortNames: ['cs'],
            },
            {
              resource: 'configmaps',
              responseKind: { group: '', version: '', kind: 'ConfigMap' },
              scope: 'Namespaced',
              singularResource: 'configmap',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['cm'],
            },
            {
              resource: 'endpoints',
              responseKind: { group: '', version: '', kind: 'Endpoints' },
              scope: 'Namespaced',
              singularResource: 'endpoints',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['ep'],
            },
            {
              resource: 'events',
              responseKind: { group: '', version: '', kind: 'Event' },
              scope: 'Namespaced',
              singularResource: 'event',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['ev'],
            },
            {
              resource: 'limitranges',
              responseKind: { group: '', version: '', kind: 'LimitRange' },
              scope: 'Namespaced',
              singularResource: 'limitrange',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['limits'],
            },
            {
              resource: 'namespaces',
              responseKind: { group: '', version: '', kind: 'Namespace' },
              scope: 'Cluster',
              singularResource: 'namespace',
              verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['ns'],
              subresources: [
                {
                  subresource: 'finalize',
                  responseKind: { group: '', version: '', kind: 'Namespace' },
                  verbs: ['update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'Namespace' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'nodes',
              responseKind: { group: '', version: '', kind: 'Node' },
              scope: 'Cluster',
              singularResource: 'node',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['no'],
              subresources: [
                {
                  subresource: 'proxy',
                  responseKind: { group: '', version: '', kind: 'NodeProxyOptions' },
                  verbs: ['create', 'delete', 'get', 'patch', 'update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'Node' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'persistentvolumeclaims',
              responseKind: { group: '', version: '', kind: 'PersistentVolumeClaim' },
              scope: 'Namespaced',
              singularResource: 'persistentvolumeclaim',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['pvc'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'PersistentVolumeClaim' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'persistentvolumes',
              responseKind: { group: '', version: '', kind: 'PersistentVolume' },
              scope: 'Cluster',
              singularResource: 'persistentvolume',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['pv'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'PersistentVolume' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'pods',
              responseKind: { group: '', version: '', kind: 'Pod' },
              scope: 'Namespaced',
              singularResource: 'pod',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['po'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'attach',
                  responseKind: { group: '', version: '', kind: 'PodAttachOptions' },
                  verbs: ['create', 'get'],
                },
                {
                  subresource: 'binding',
                  responseKind: { group: '', version: '', kind: 'Binding' },
                  verbs: ['create'],
                },
                {
                  subresource: 'ephemeralcontainers',
                  responseKind: { group: '', version: '', kind: 'Pod' },
                  verbs: ['get', 'patch', 'update'],
                },
                {
                  subresource: 'eviction',
                  responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
                  verbs: ['create'],
                },
                {
                  subresource: 'exec',
                  responseKind: { group: '', version: '', kind: 'PodExecOptions' },
                  verbs: ['create', 'get'],
                },
                { subresource: 'log', responseKind: { group: '', version: '', kind: 'Pod' }, verbs: ['get'] },
                {
                  subresource: 'portforward',
                  responseKind: { group: '', version: '', kind: 'PodPortForwardOptions' },
                  verbs: ['create', 'get'],
                },
                {
                  subresource: 'proxy',
                  responseKind: { group: '', version: '', kind: 'PodProxyOptions' },
                  verbs: ['create', 'delete', 'get', 'patch', 'update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'Pod' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'podtemplates',
              responseKind: { group: '', version: '', kind: 'PodTemplate' },
              scope: 'Namespaced',
              singularResource: 'podtemplate',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'replicationcontrollers',
              responseKind: { group: '', version: '', kind: 'ReplicationController' },
              scope: 'Namespaced',
              singularResource: 'replicationcontroller',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['rc'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'scale',
                  responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
                  verbs: ['get', 'patch', 'update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'ReplicationController' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'resourcequotas',
              responseKind: { group: '', version: '', kind: 'ResourceQuota' },
              scope: 'Namespaced',
              singularResource: 'resourcequota',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['quota'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'ResourceQuota' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'secrets',
              responseKind: { group: '', version: '', kind: 'Secret' },
              scope: 'Namespaced',
              singularResource: 'secret',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'serviceaccounts',
              responseKind: { group: '', version: '', kind: 'ServiceAccount' },
              scope: 'Namespaced',
              singularResource: 'serviceaccount',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['sa'],
              subresources: [
                {
                  subresource: 'token',
                  responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
                  verbs: ['create'],
                },
              ],
            },
            {
              resource: 'services',
              responseKind: { group: '', version: '', kind: 'Service' },
              scope: 'Namespaced',
              singularResource: 'service',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['svc'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'proxy',
                  responseKind: { group: '', version: '', kind: 'ServiceProxyOptions' },
                  verbs: ['create', 'delete', 'get', 'patch', 'update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'Service' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
  ],
}

/** `/apis` (every other group). */
export const AGGREGATED_GROUPS: DiscoveryList & {
  items: (DiscoveryGroup & { metadata: { name: string } })[]
} = {
  kind: 'APIGroupDiscoveryList',
  apiVersion: 'apidiscovery.k8s.io/v2',
  metadata: {},
  items: [
    {
      metadata: { name: 'apiregistration.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'apiservices',
              responseKind: { group: '', version: '', kind: 'APIService' },
              scope: 'Cluster',
              singularResource: 'apiservice',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              categories: ['api-extensions'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'APIService' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'apps', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'controllerrevisions',
              responseKind: { group: '', version: '', kind: 'ControllerRevision' },
              scope: 'Namespaced',
              singularResource: 'controllerrevision',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'daemonsets',
              responseKind: { group: '', version: '', kind: 'DaemonSet' },
              scope: 'Namespaced',
              singularResource: 'daemonset',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['ds'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'DaemonSet' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'deployments',
              responseKind: { group: '', version: '', kind: 'Deployment' },
              scope: 'Namespaced',
              singularResource: 'deployment',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['deploy'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'scale',
                  responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
                  verbs: ['get', 'patch', 'update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'Deployment' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'replicasets',
              responseKind: { group: '', version: '', kind: 'ReplicaSet' },
              scope: 'Namespaced',
              singularResource: 'replicaset',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['rs'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'scale',
                  responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
                  verbs: ['get', 'patch', 'update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'ReplicaSet' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'statefulsets',
              responseKind: { group: '', version: '', kind: 'StatefulSet' },
              scope: 'Namespaced',
              singularResource: 'statefulset',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['sts'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'scale',
                  responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
                  verbs: ['get', 'patch', 'update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'StatefulSet' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'events.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'events',
              responseKind: { group: '', version: '', kind: 'Event' },
              scope: 'Namespaced',
              singularResource: 'event',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['ev'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'authentication.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'selfsubjectreviews',
              responseKind: { group: '', version: '', kind: 'SelfSubjectReview' },
              scope: 'Cluster',
              singularResource: 'selfsubjectreview',
              verbs: ['create'],
            },
            {
              resource: 'tokenreviews',
              responseKind: { group: '', version: '', kind: 'TokenReview' },
              scope: 'Cluster',
              singularResource: 'tokenreview',
              verbs: ['create'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'authorization.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'localsubjectaccessreviews',
              responseKind: { group: '', version: '', kind: 'LocalSubjectAccessReview' },
              scope: 'Namespaced',
              singularResource: 'localsubjectaccessreview',
              verbs: ['create'],
            },
            {
              resource: 'selfsubjectaccessreviews',
              responseKind: { group: '', version: '', kind: 'SelfSubjectAccessReview' },
              scope: 'Cluster',
              singularResource: 'selfsubjectaccessreview',
              verbs: ['create'],
            },
            {
              resource: 'selfsubjectrulesreviews',
              responseKind: { group: '', version: '', kind: 'SelfSubjectRulesReview' },
              scope: 'Cluster',
              singularResource: 'selfsubjectrulesreview',
              verbs: ['create'],
            },
            {
              resource: 'subjectaccessreviews',
              responseKind: { group: '', version: '', kind: 'SubjectAccessReview' },
              scope: 'Cluster',
              singularResource: 'subjectaccessreview',
              verbs: ['create'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'autoscaling', creationTimestamp: null },
      versions: [
        {
          version: 'v2',
          resources: [
            {
              resource: 'horizontalpodautoscalers',
              responseKind: { group: '', version: '', kind: 'HorizontalPodAutoscaler' },
              scope: 'Namespaced',
              singularResource: 'horizontalpodautoscaler',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['hpa'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'HorizontalPodAutoscaler' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
        {
          version: 'v1',
          resources: [
            {
              resource: 'horizontalpodautoscalers',
              responseKind: { group: '', version: '', kind: 'HorizontalPodAutoscaler' },
              scope: 'Namespaced',
              singularResource: 'horizontalpodautoscaler',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['hpa'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'HorizontalPodAutoscaler' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'batch', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'cronjobs',
              responseKind: { group: '', version: '', kind: 'CronJob' },
              scope: 'Namespaced',
              singularResource: 'cronjob',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['cj'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'CronJob' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'jobs',
              responseKind: { group: '', version: '', kind: 'Job' },
              scope: 'Namespaced',
              singularResource: 'job',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              categories: ['all'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'Job' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'certificates.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'certificatesigningrequests',
              responseKind: { group: '', version: '', kind: 'CertificateSigningRequest' },
              scope: 'Cluster',
              singularResource: 'certificatesigningrequest',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['csr'],
              subresources: [
                {
                  subresource: 'approval',
                  responseKind: { group: '', version: '', kind: 'CertificateSigningRequest' },
                  verbs: ['get', 'patch', 'update'],
                },
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'CertificateSigningRequest' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'networking.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'ingressclasses',
              responseKind: { group: '', version: '', kind: 'IngressClass' },
              scope: 'Cluster',
              singularResource: 'ingressclass',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'ingresses',
              responseKind: { group: '', version: '', kind: 'Ingress' },
              scope: 'Namespaced',
              singularResource: 'ingress',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['ing'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'Ingress' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'networkpolicies',
              responseKind: { group: '', version: '', kind: 'NetworkPolicy' },
              scope: 'Namespaced',
              singularResource: 'networkpolicy',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['netpol'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'policy', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'poddisruptionbudgets',
              responseKind: { group: '', version: '', kind: 'PodDisruptionBudget' },
              scope: 'Namespaced',
              singularResource: 'poddisruptionbudget',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['pdb'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'PodDisruptionBudget' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'rbac.authorization.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'clusterrolebindings',
              responseKind: { group: '', version: '', kind: 'ClusterRoleBinding' },
              scope: 'Cluster',
              singularResource: 'clusterrolebinding',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'clusterroles',
              responseKind: { group: '', version: '', kind: 'ClusterRole' },
              scope: 'Cluster',
              singularResource: 'clusterrole',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'rolebindings',
              responseKind: { group: '', version: '', kind: 'RoleBinding' },
              scope: 'Namespaced',
              singularResource: 'rolebinding',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'roles',
              responseKind: { group: '', version: '', kind: 'Role' },
              scope: 'Namespaced',
              singularResource: 'role',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'storage.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'csidrivers',
              responseKind: { group: '', version: '', kind: 'CSIDriver' },
              scope: 'Cluster',
              singularResource: 'csidriver',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'csinodes',
              responseKind: { group: '', version: '', kind: 'CSINode' },
              scope: 'Cluster',
              singularResource: 'csinode',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'csistoragecapacities',
              responseKind: { group: '', version: '', kind: 'CSIStorageCapacity' },
              scope: 'Namespaced',
              singularResource: 'csistoragecapacity',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
            {
              resource: 'storageclasses',
              responseKind: { group: '', version: '', kind: 'StorageClass' },
              scope: 'Cluster',
              singularResource: 'storageclass',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['sc'],
            },
            {
              resource: 'volumeattachments',
              responseKind: { group: '', version: '', kind: 'VolumeAttachment' },
              scope: 'Cluster',
              singularResource: 'volumeattachment',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'VolumeAttachment' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'admissionregistration.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'mutatingwebhookconfigurations',
              responseKind: { group: '', version: '', kind: 'MutatingWebhookConfiguration' },
              scope: 'Cluster',
              singularResource: 'mutatingwebhookconfiguration',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              categories: ['api-extensions'],
            },
            {
              resource: 'validatingadmissionpolicies',
              responseKind: { group: '', version: '', kind: 'ValidatingAdmissionPolicy' },
              scope: 'Cluster',
              singularResource: 'validatingadmissionpolicy',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              categories: ['api-extensions'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'ValidatingAdmissionPolicy' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'validatingadmissionpolicybindings',
              responseKind: { group: '', version: '', kind: 'ValidatingAdmissionPolicyBinding' },
              scope: 'Cluster',
              singularResource: 'validatingadmissionpolicybinding',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              categories: ['api-extensions'],
            },
            {
              resource: 'validatingwebhookconfigurations',
              responseKind: { group: '', version: '', kind: 'ValidatingWebhookConfiguration' },
              scope: 'Cluster',
              singularResource: 'validatingwebhookconfiguration',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              categories: ['api-extensions'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'apiextensions.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'customresourcedefinitions',
              responseKind: { group: '', version: '', kind: 'CustomResourceDefinition' },
              scope: 'Cluster',
              singularResource: 'customresourcedefinition',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['crd', 'crds'],
              categories: ['api-extensions'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'CustomResourceDefinition' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'scheduling.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'priorityclasses',
              responseKind: { group: '', version: '', kind: 'PriorityClass' },
              scope: 'Cluster',
              singularResource: 'priorityclass',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              shortNames: ['pc'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'coordination.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'leases',
              responseKind: { group: '', version: '', kind: 'Lease' },
              scope: 'Namespaced',
              singularResource: 'lease',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'node.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'runtimeclasses',
              responseKind: { group: '', version: '', kind: 'RuntimeClass' },
              scope: 'Cluster',
              singularResource: 'runtimeclass',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'discovery.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'endpointslices',
              responseKind: { group: '', version: '', kind: 'EndpointSlice' },
              scope: 'Namespaced',
              singularResource: 'endpointslice',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
    {
      metadata: { name: 'flowcontrol.apiserver.k8s.io', creationTimestamp: null },
      versions: [
        {
          version: 'v1',
          resources: [
            {
              resource: 'flowschemas',
              responseKind: { group: '', version: '', kind: 'FlowSchema' },
              scope: 'Cluster',
              singularResource: 'flowschema',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'FlowSchema' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
            {
              resource: 'prioritylevelconfigurations',
              responseKind: { group: '', version: '', kind: 'PriorityLevelConfiguration' },
              scope: 'Cluster',
              singularResource: 'prioritylevelconfiguration',
              verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
              subresources: [
                {
                  subresource: 'status',
                  responseKind: { group: '', version: '', kind: 'PriorityLevelConfiguration' },
                  verbs: ['get', 'patch', 'update'],
                },
              ],
            },
          ],
          freshness: 'Current',
        },
      ],
    },
  ],
}
