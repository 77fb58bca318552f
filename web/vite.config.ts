import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

/** The BFF that `vite dev` proxies to (TG_BFF_URL overrides the default port). */
const BFF = process.env.TG_BFF_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  publicDir: '../public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
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
