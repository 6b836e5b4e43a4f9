import { defineDetector } from '../detect/define.js'
import { clip, forEachContainerStatus, stateEvidence } from './lib/k8s.js'

// What common exit codes usually mean, for people reading the evidence.
const EXIT_MEANING: Record<number, string> = {
  0: 'the program finished successfully, but a container is expected to keep running',
  1: 'the program stopped with an error',
  126: 'the command is not executable',
  127: 'the command was not found in the image',
  134: 'the program aborted (SIGABRT)',
  137: 'the container was killed (SIGKILL): out of memory, or a failing liveness probe',
  139: 'the program crashed (segmentation fault)',
  143: 'the container was asked to stop (SIGTERM)',
}

export default defineDetector({
  meta: {
    id: 'container-crashloop',
    title: 'Container keeps crashing (CrashLoopBackOff)',
    description:
      'The container starts, stops, and is restarted again and again; Kubernetes waits longer between restarts each time (up to 5 minutes). A crash-looping app container serves nothing; a crash-looping init container keeps the whole pod from starting.',
    severity: 'warning',
    category: 'pod',
    requires: ['v1/Pod'],
    messages: {
      crashLoop:
        'Container {{container}} of pod {{name}} keeps crashing: it has restarted {{restarts}} times and now waits longer before each restart (last exit: {{lastExit}}).',
      initCrashLoop:
        'Init container {{container}} of pod {{name}} keeps failing, so the pod never starts its app containers ({{restarts}} restarts, last exit: {{lastExit}}).',
    },
    remediation:
      'Read the logs of the crashed run: `kubectl logs {{name}} -n {{namespace}} -c {{container}} --previous`, and `kubectl describe pod {{name}} -n {{namespace}}` (Last State, Events). Exit code 137 with OOMKilled means raise the memory limit; 137 after "Liveness probe failed" means fix or relax the probe; exit 1 usually means bad configuration or a missing dependency at startup.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts',
      'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/',
    ],
  },
  detect({ snapshot, report }) {
    for (const pod of snapshot.list('v1/Pod')) {
      forEachContainerStatus(pod, (s, init) => {
        const waiting = s.state?.waiting
        if (waiting?.reason !== 'CrashLoopBackOff') return
        const last = s.lastState?.terminated
        const exitCode = typeof last?.exitCode === 'number' ? last.exitCode : undefined
        const lastReason = last?.reason ?? 'unknown'
        const lastExit = exitCode === undefined ? lastReason : `${lastReason}, exit code ${exitCode}`
        const data: Record<string, string | number> = {
          container: s.name,
          restarts: s.restartCount ?? 0,
          lastReason,
          lastExit,
        }
        if (exitCode !== undefined) data.exitCode = exitCode
        const evidence: Record<string, unknown> = {
          container: s.name,
          init,
          restartCount: s.restartCount ?? 0,
          waiting: { reason: waiting.reason, message: clip(waiting.message) },
        }
        const lastEv = stateEvidence(s.lastState)
        if (lastEv) evidence.lastState = lastEv
        if (exitCode !== undefined && EXIT_MEANING[exitCode]) evidence.exitMeaning = EXIT_MEANING[exitCode]
        report({ object: pod, messageId: init ? 'initCrashLoop' : 'crashLoop', key: s.name, data, evidence })
      })
    }
  },
})
