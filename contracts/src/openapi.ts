import { OpenAPIHono } from '@hono/zod-openapi'
import { API_VERSION, CSRF_HEADER, SESSION_COOKIE } from './common/http'
import { ALL_ROUTES } from './routes'

/** Builds the OpenAPI 3.1 document of the whole API from the route definitions. */
export function buildOpenApiDocument() {
  const app = new OpenAPIHono()
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `Console session. State-changing requests also need the ${CSRF_HEADER} header and a same-origin Origin.`,
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerApiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'API key for machine clients: `Authorization: Bearer tgk_...`.',
  })
  for (const route of ALL_ROUTES) {
    const isPublic = route['x-roles'] === 'public'
    app.openAPIRegistry.registerPath({
      ...route,
      security: isPublic ? [] : [{ sessionCookie: [] }, { bearerApiKey: [] }],
    })
  }
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'TensorGuardFlow Operator Console API',
      version: API_VERSION,
      description:
        'Backend-for-frontend of the TensorGuardFlow operator console. Errors always use the ' +
        'ErrorEnvelope with a stable ErrorCode; `x-roles` on each operation lists the roles allowed.',
    },
  })
}
