/**
 * `pnpm bench` (web size part): the JavaScript a browser downloads to show a route, gzip and
 * brotli, against the 200 KB (gzip) goal. Reads the built console (`web/dist`, building it when
 * absent) and walks Vite's manifest from `index.html`: the entry's static imports (what the page
 * preloads) plus the route's lazily loaded view and its static imports; the run page also loads
 * the charts chunk when its first chart mounts. Sizes are those of the `.gz`/`.br` files the
 * server sends.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'

const GOAL_GZIP_BYTES = 200 * 1024
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')
const dist = process.env.BENCH_WEB_DIST ?? join(root, 'web/dist')

interface ManifestChunk {
  file: string
  isEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
}
type Manifest = Record<string, ManifestChunk>

const DASHBOARD_VIEW = 'src/features/dashboard/views/DashboardView.vue'

/**
 * The routes measured: the lazily loaded modules each one needs beside the entry. A route with a
 * goal is what must arrive before the page shows; `note` says what a route without one adds later.
 * `withLazyOf` adds the modules a view itself loads lazily (the dashboard's sections), read from
 * the manifest so that a section moved into or out of the first load is counted where it is.
 */
export const ROUTES: {
  name: string
  path: string
  lazy: string[]
  withLazyOf?: string
  hasGoal: boolean
  note?: string
}[] = [
  { name: 'sign-in', path: '/sign-in', lazy: ['src/features/auth/views/AuthSignInView.vue'], hasGoal: true },
  { name: 'dashboard', path: '/', lazy: [DASHBOARD_VIEW], hasGoal: true },
  {
    name: 'dashboard, all sections',
    path: '/',
    lazy: [DASHBOARD_VIEW],
    withLazyOf: DASHBOARD_VIEW,
    hasGoal: false,
    note: '(sections load after the page shows)',
  },
  {
    name: 'run page (with charts)',
    path: '/training/runs/:id',
    lazy: ['src/features/training/views/TrainingRunView.vue', 'src/shared/charts/echarts.ts'],
    hasGoal: false,
    note: '(charts load after the page shows)',
  },
]

/** The modules `key` loads lazily (its dynamic imports in the manifest). */
export function lazyImportsOf(manifest: Manifest, key: string): string[] {
  const chunk = manifest[key]
  if (!chunk) throw new Error(`${key} is not in the Vite manifest`)
  return chunk.dynamicImports ?? []
}

/** The files of `keys` and of everything they import statically. */
export function closure(manifest: Manifest, keys: string[]): Set<string> {
  const files = new Set<string>()
  const seen = new Set<string>()
  const visit = (key: string) => {
    if (seen.has(key)) return
    seen.add(key)
    const chunk = manifest[key]
    if (!chunk) throw new Error(`${key} is not in the Vite manifest`)
    if (chunk.file.endsWith('.js')) files.add(chunk.file)
    for (const next of chunk.imports ?? []) visit(next)
  }
  keys.forEach(visit)
  return files
}

function compressedSize(file: string, suffix: '.gz' | '.br'): number {
  const path = join(dist, file)
  if (existsSync(path + suffix)) return readFileSync(path + suffix).length
  const raw = readFileSync(path)
  return (suffix === '.gz' ? gzipSync(raw, { level: 9 }) : brotliCompressSync(raw)).length
}

export function measureRoutes(manifest: Manifest) {
  const entry = Object.keys(manifest).find((key) => manifest[key]?.isEntry && key === 'index.html')
  if (!entry) throw new Error('index.html is not an entry of the Vite manifest')
  return ROUTES.map((route) => {
    const lazy = route.withLazyOf ? [...route.lazy, ...lazyImportsOf(manifest, route.withLazyOf)] : route.lazy
    const files = [...closure(manifest, [entry, ...lazy])]
    const sum = (f: (file: string) => number) => files.reduce((total, file) => total + f(file), 0)
    return {
      ...route,
      files: files.length,
      raw: sum((file) => readFileSync(join(dist, file)).length),
      gzip: sum((file) => compressedSize(file, '.gz')),
      brotli: sum((file) => compressedSize(file, '.br')),
    }
  })
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

export function runWebSizeBench(): void {
  const manifestPath = join(dist, '.vite/manifest.json')
  if (!existsSync(manifestPath)) execFileSync('pnpm', ['--filter', '@tg/web', 'build'], { cwd: root, stdio: 'ignore' })
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest
  console.log(`\nweb size: JavaScript of the first load of a route (goal: at most ${kb(GOAL_GZIP_BYTES)} gzip)`)
  for (const route of measureRoutes(manifest))
    console.log(
      `  ${route.name.padEnd(24)} ${String(route.files).padStart(2)} files  raw ${kb(route.raw).padStart(9)}  gzip ${kb(route.gzip).padStart(8)}  brotli ${kb(route.brotli).padStart(8)}  ${!route.hasGoal ? (route.note ?? '') : route.gzip <= GOAL_GZIP_BYTES ? 'within the goal' : 'OVER the goal'}`,
    )
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runWebSizeBench()
