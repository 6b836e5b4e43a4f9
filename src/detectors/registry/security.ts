import type { Detector } from '../../detect/define.js'
import containerPrivileged from '../container-privileged.js'
import dangerousCapabilities from '../dangerous-capabilities.js'
import hostNamespaces from '../host-namespaces.js'
import hostPathVolume from '../host-path-volume.js'
import hostPort from '../host-port.js'
import privilegeEscalationAllowed from '../privilege-escalation-allowed.js'
import rbacClusterAdminBinding from '../rbac-cluster-admin-binding.js'
import rbacPodsExec from '../rbac-pods-exec.js'
import rbacSecretsRead from '../rbac-secrets-read.js'
import readonlyRootFilesystemMissing from '../readonly-root-filesystem-missing.js'
import runAsRoot from '../run-as-root.js'
import saTokenAutomount from '../sa-token-automount.js'
import seccompProfileMissing from '../seccomp-profile-missing.js'
import sensitiveEnvPlaintext from '../sensitive-env-plaintext.js'

/** Built-in TypeScript detectors of this group, in catalogue order (each with `<id>.cases.ts` and a runbook). */
export const detectors: Detector[] = [
  // Privileges and escalation
  containerPrivileged,
  privilegeEscalationAllowed,
  dangerousCapabilities,
  // Host access
  hostNamespaces,
  hostPathVolume,
  hostPort,
  // Hardening
  runAsRoot,
  readonlyRootFilesystemMissing,
  seccompProfileMissing,
  // Service account tokens and RBAC (rbac-wildcard-rules is YAML)
  saTokenAutomount,
  rbacClusterAdminBinding,
  rbacPodsExec,
  rbacSecretsRead,
  // Secrets in plain text (configmap-sensitive-data is YAML; tls-certificate-not-ready too)
  sensitiveEnvPlaintext,
]
