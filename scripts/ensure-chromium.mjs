// Browser tests need a Chromium binary. Playwright cannot download its own here, so this
// installs Debian's `chromium` package when it is missing (apt-get, as root or through sudo).
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const path = process.env.TG_CHROMIUM ?? '/usr/bin/chromium'
if (existsSync(path)) {
  console.log(`chromium: using ${path}`)
  process.exit(0)
}
if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  console.error(
    `chromium: ${path} is missing and apt-get is not available. Install Chromium and set TG_CHROMIUM to its path.`,
  )
  process.exit(1)
}
const sudo = typeof process.getuid === 'function' && process.getuid() === 0 ? '' : 'sudo '
console.log('chromium: not found, installing Debian package "chromium" ...')
execSync(`${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`, {
  stdio: 'inherit',
})
if (!existsSync(path)) {
  console.error(`chromium: installation finished but ${path} does not exist`)
  process.exit(1)
}
console.log(`chromium: installed ${path}`)
