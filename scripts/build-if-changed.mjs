// `pnpm start`'s build step: builds the console (web/dist, Vite) and the server (bff/dist, one
// esbuild bundle run by plain Node) only when their sources changed since the last build. Each
// build records a content hash of its inputs (a stamp in node_modules/.cache/tg-build); a start
// with nothing changed reads the sources, finds the stamps equal and builds nothing.
// `node scripts/build-if-changed.mjs [web|bff]...` (both when none is named).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const STAMPS = join(ROOT, 'node_modules/.cache/tg-build')
const SKIP_DIRS = new Set(['node_modules', 'dist', '.vite', 'coverage', 'test-results'])
const isTestFile = (path) => /\.(test|spec)\.[cm]?[jt]s$/.test(path) || path.split('/').includes('test')

/** Every file under these roots (files or folders, relative to the repository), sorted. */
function filesOf(roots, { skipTests = false } = {}) {
  const out = []
  const walk = (path) => {
    if (!existsSync(path)) return
    if (statSync(path).isFile()) {
      if (!(skipTests && isTestFile(relative(ROOT, path)))) out.push(path)
      return
    }
    for (const entry of readdirSync(path, { withFileTypes: true }))
      if (!(entry.isDirectory() && SKIP_DIRS.has(entry.name))) walk(join(path, entry.name))
  }
  for (const root of roots) walk(join(ROOT, root))
  return out.sort()
}

/** sha256 over each file's path and content: the identity of one build's inputs. */
function hashOf(files) {
  const hash = createHash('sha256')
  for (const file of files)
    hash
      .update(`${relative(ROOT, file)}\0`)
      .update(readFileSync(file))
      .update('\0')
  return hash.digest('hex')
}

const COMMON = ['contracts/src', 'contracts/package.json', 'pnpm-lock.yaml', 'scripts/build-if-changed.mjs']

const targets = {
  web: {
    inputs: () => filesOf([...COMMON, 'web/src', 'web/index.html', 'web/vite.config.ts', 'web/package.json', 'public']),
    output: join(ROOT, 'web/dist/index.html'),
    build() {
      const vite = join(ROOT, 'web/node_modules/vite/bin/vite.js')
      const run = spawnSync(process.execPath, [vite, 'build'], { cwd: join(ROOT, 'web'), stdio: 'inherit' })
      if (run.status !== 0) throw new Error(`the console build failed (vite exit ${run.status ?? run.signal})`)
    },
  },
  bff: {
    inputs: () =>
      filesOf([...COMMON, 'bff/src', 'bff/package.json', 'tsconfig.base.json', 'bff/tsconfig.json'], {
        skipTests: true,
      }),
    output: join(ROOT, 'bff/dist/main.mjs'),
    build: buildServer,
  },
}

/**
 * The server as one ES module bundle (bff/dist/main.mjs) and the accountant's worker thread
 * (worker.mjs): the project's TypeScript and @tg/contracts are compiled in, the BFF's own
 * dependencies stay in bff/node_modules (PGlite's WebAssembly, swagger-ui's files and the AWS SDK
 * load from there). Beside them what the code opens next to itself: the migrations and the
 * script that creates an embedded database.
 */
async function buildServer() {
  const bff = join(ROOT, 'bff')
  const pkg = JSON.parse(readFileSync(join(bff, 'package.json'), 'utf8'))
  const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@tg/'))
  const esbuild = createRequire(join(bff, 'package.json'))('esbuild')
  const dist = join(bff, 'dist')
  rmSync(dist, { recursive: true, force: true })
  await esbuild.build({
    entryPoints: { main: join(bff, 'src/main.ts'), worker: join(bff, 'src/modules/training/accountant/tasks.ts') },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    plugins: [externalDependencies(bff, external)],
    keepNames: true,
    logLevel: 'warning',
    // Bundled CommonJS code (none of ours) may call require: give it Node's.
    banner: {
      js: "import { createRequire as __tgRequire } from 'node:module'; const require = __tgRequire(import.meta.url);",
    },
  })
  cpSync(join(bff, 'src/db/migrations'), join(dist, 'migrations'), { recursive: true })
  cpSync(join(bff, 'src/db/pglite-create.mjs'), join(dist, 'pglite-create.mjs'))
}

/**
 * The BFF's dependencies stay outside the bundle, imported as written. Node's ES module resolver
 * needs the file of a deep import into a package without an `exports` map (`semver/functions/x`):
 * those get their `.js` (or `/index.js`) here, as the TypeScript loader found them.
 */
function externalDependencies(bff, names) {
  const modules = join(bff, 'node_modules')
  const nameOf = (path) =>
    path
      .split('/')
      .slice(0, path.startsWith('@') ? 2 : 1)
      .join('/')
  return {
    name: 'external-dependencies',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, ({ path }) => {
        const name = nameOf(path)
        if (!names.includes(name)) return undefined
        if (path === name || /\.(c|m)?js$|\.json$/.test(path)) return { path, external: true }
        const pkg = JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8'))
        if (pkg.exports) return { path, external: true }
        const file = join(modules, path)
        if (existsSync(`${file}.js`)) return { path: `${path}.js`, external: true }
        if (existsSync(join(file, 'index.js'))) return { path: `${path}/index.js`, external: true }
        return { path, external: true }
      })
    },
  }
}

async function main() {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['web', 'bff']
  mkdirSync(STAMPS, { recursive: true })
  for (const name of names) {
    const target = targets[name]
    if (!target) throw new Error(`unknown build target ${name} (web or bff)`)
    const stampFile = join(STAMPS, `${name}.sha256`)
    const hash = hashOf(target.inputs())
    const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : ''
    if (stamp === hash && existsSync(target.output)) {
      console.log(`${name}: up to date (sources unchanged since the last build)`)
      continue
    }
    const started = performance.now()
    rmSync(stampFile, { force: true })
    await target.build()
    writeFileSync(stampFile, `${hash}\n`)
    console.log(`${name}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
}

await main()
