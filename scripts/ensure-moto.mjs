// The S3 tests start moto's server mode (`moto_server`, Python package `moto` with its server
// extras) on 127.0.0.1. This checks that it is there and tries `pip install "moto[server]"` when it
// is not (Debian 12 has no python3-moto package). Where that cannot be done (no Python, no package
// index), it says so and the S3 tests skip with the same reason: the rest of the suite still runs.
import { execFileSync } from 'node:child_process'

const command = process.env.TG_MOTO_SERVER ?? 'moto_server'
const isPresent = () => {
  try {
    execFileSync(command, ['--help'], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}

if (isPresent()) {
  console.log(`moto: using ${command}`)
} else {
  console.log(`moto: "${command}" is missing; trying pip install "moto[server]"`)
  for (const pip of [['pip3'], ['python3', '-m', 'pip']]) {
    try {
      execFileSync(pip[0], [...pip.slice(1), 'install', '--quiet', 'moto[server]'], {
        stdio: 'inherit',
        timeout: 180_000,
      })
      break
    } catch {
      // the next way, or the warning below
    }
  }
  if (isPresent()) console.log(`moto: installed, using ${command}`)
  else
    console.warn(
      `moto: could not install it. The S3 object-store tests will skip (they say so); install it with ` +
        '`pip install "moto[server]"` (or set TG_MOTO_SERVER to its path) to run them.',
    )
}
