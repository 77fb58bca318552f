import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import type { Plugin } from 'vite'
import { compression, defineAlgorithm } from 'vite-plugin-compression2'

/** The BFF that `vite dev` proxies to (TG_BFF_URL overrides the default port). */
const BFF = process.env.TG_BFF_URL ?? 'http://127.0.0.1:8080'

/**
 * The entry's stylesheet (a few kB) inlined into index.html, so the first paint (the static shell)
 * waits for no request but the page itself; the CSP allows inline styles, not scripts. The file
 * stays in the build: lazy chunks that import from the entry list it among their preloads, and a
 * missing file fails their import ("Unable to preload CSS", e2e console-defects).
 */
function inlineEntryCss(): Plugin {
  return {
    name: 'tg-inline-entry-css',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = bundle['index.html']
      if (!html || html.type !== 'asset' || typeof html.source !== 'string') return
      html.source = html.source.replace(
        /<link rel="stylesheet" crossorigin href="\/(assets\/index-[\w-]+\.css)">/,
        (link, file: string) => {
          const css = bundle[file]
          if (!css || css.type !== 'asset') return link
          return `<style>${String(css.source)}</style>`
        },
      )
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    inlineEntryCss(),
    // Precompressed siblings (`x.js.br`, `x.js.gz`) written at build time; the BFF serves the one
    // the browser accepts, so no request pays for compression.
    compression({
      algorithms: [defineAlgorithm('brotliCompress'), defineAlgorithm('gzip', { level: 9 })],
      threshold: 512,
      exclude: [/\.vite\//],
      logLevel: 'warn',
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  publicDir: '../public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // `.vite/manifest.json`: the module graph `pnpm bench` walks to size the first routes.
    manifest: true,
    rolldownOptions: {
      output: {
        // ECharts' renderer (zrender) in a chunk of its own beside the charts: both load in
        // parallel with the first chart, and neither passes Vite's 500 kB chunk warning.
        codeSplitting: { groups: [{ name: 'zrender', test: /node_modules[\\/](\.pnpm[\\/])?zrender/ }] },
      },
    },
  },
  // Workers are ES modules (`new Worker(url, { type: 'module' })`), so they can split chunks.
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: BFF, changeOrigin: false },
      '/healthz': { target: BFF },
      '/readyz': { target: BFF },
    },
  },
})
