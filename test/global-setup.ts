import { ensureBinaries } from './cluster/cluster.js'

// The integration tests need kube-apiserver and kube-controller-manager built from Go modules
// (test/cluster/build.sh): build them once, before the test files that start clusters run in
// parallel. Near-instant when they are cached; several minutes on a new machine.
export default async function setup(): Promise<void> {
  await ensureBinaries()
}
