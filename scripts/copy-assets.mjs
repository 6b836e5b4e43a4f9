// Copies what tsc does not: the YAML detectors and their fixture folders; marks the CLI executable.
import { chmodSync, cpSync, existsSync } from 'node:fs'

if (existsSync('src/detectors/yaml')) cpSync('src/detectors/yaml', 'dist/detectors/yaml', { recursive: true })
chmodSync('dist/cli/main.js', 0o755)
