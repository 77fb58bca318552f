// The S3 tests start moto's server mode (`moto_server`, Python package `moto` with its server
// extras) on 127.0.0.1. This checks that it is there, and says how to get it when it is not:
// Debian 12 has no python3-moto package, so it comes from pip (`pip install "moto[server]"`).
import { execFileSync } from 'node:child_process'

const command = process.env.TG_MOTO_SERVER ?? 'moto_server'
try {
  execFileSync(command, ['--help'], { stdio: 'pipe' })
  console.log(`moto: using ${command}`)
} catch {
  console.error(
    `moto: "${command}" is missing. The S3 object-store tests need moto's server mode: ` +
      'install it with `pip install "moto[server]"` (or set TG_MOTO_SERVER to its path).',
  )
  process.exit(1)
}
