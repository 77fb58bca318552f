import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { serveStatic } from '@hono/node-server/serve-static'
import type { AppEnv } from './context'

const IMMUTABLE = 'public, max-age=31536000, immutable'
const REVALIDATE = 'no-cache'

/** Paths that belong to the server and never fall back to the console. */
export const SERVER_PATH = /^\/(api|healthz|readyz|metrics)(\/|$)/

/** A path segment that starts with a dot (`/.vite/manifest.json`): build metadata, never served. */
const DOT_SEGMENT = /(^|\/)\./

/**
 * Serves the built console: hashed files under /assets/ are cached as immutable, everything
 * else revalidates. The build writes brotli and gzip siblings (`x.js.br`, `x.js.gz`); the one
 * the request's Accept-Encoding allows is sent as is (brotli first), with `Vary: Accept-Encoding`
 * on every file that has them. Unknown non-API paths get index.html so that client routes
 * survive a reload.
 */
export function mountConsole(
  app: Hono<AppEnv>,
  webDist: string,
): { fallback: (c: Context<AppEnv>) => Response | null } {
  const indexPath = join(webDist, 'index.html')
  const isBuilt = existsSync(indexPath)
  const statics: MiddlewareHandler<AppEnv> = serveStatic({ root: webDist, precompressed: true })
  app.use('*', async (c, next) => {
    if (SERVER_PATH.test(c.req.path) || DOT_SEGMENT.test(c.req.path) || !isBuilt) return next()
    const found = await statics(c, next)
    if (found instanceof Response && found.ok) {
      found.headers.set('Cache-Control', c.req.path.startsWith('/assets/') ? IMMUTABLE : REVALIDATE)
      // The identity answer varies too when compressed siblings exist, so no cache hands it on.
      if (!found.headers.has('Content-Encoding') && hasCompressedSibling(webDist, c.req.path))
        found.headers.set('Vary', 'Accept-Encoding')
    }
    return found
  })
  const indexHtml = isBuilt ? readFileSync(indexPath, 'utf8') : null
  return {
    fallback(c) {
      if (!indexHtml || SERVER_PATH.test(c.req.path) || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return null
      if (c.req.path.startsWith('/assets/')) return null
      c.header('Cache-Control', REVALIDATE)
      return c.html(indexHtml, 200)
    },
  }
}

function hasCompressedSibling(webDist: string, path: string): boolean {
  const file = join(webDist, path.endsWith('/') ? `${path}index.html` : path)
  return existsSync(`${file}.br`) || existsSync(`${file}.gz`)
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>TensorGuardFlow API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true, withCredentials: true });\n`

const revalidate: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  if (c.res.ok) c.res.headers.set('Cache-Control', REVALIDATE)
}

/** Interactive API docs from the locally installed swagger-ui-dist (no CDN, no inline script). */
export function mountApiDocs(app: Hono<AppEnv>, openApiDocument: unknown): void {
  const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const json = JSON.stringify(openApiDocument)
  // Public documents with no secret in them: cached, revalidated (the API's default is no-store).
  app.use('/api/openapi.json', revalidate)
  app.use('/api/docs/*', revalidate)
  app.use('/api/docs', revalidate)
  app.get('/api/openapi.json', (c) => {
    c.header('Content-Type', 'application/json; charset=utf-8')
    return c.body(json, 200)
  })
  app.get('/api/docs', (c) => c.html(DOCS_HTML, 200))
  app.get('/api/docs/init.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8')
    return c.body(DOCS_INIT, 200)
  })
  app.get(
    '/api/docs/assets/:file{swagger-ui\\.css|swagger-ui-bundle\\.js}',
    serveStatic({ root: swaggerDir, rewriteRequestPath: (path) => path.replace('/api/docs/assets', '') }),
  )
}
