import { OpenAPIHono } from '@hono/zod-openapi'
import type { RouteHandler } from '@hono/zod-openapi'
import type { AppRouteConfig } from '@tg/contracts'
import type { AppEnv } from './context'
import { guard } from './guard'
import type { GuardOptions } from './guard'
import { validationHook } from './http'
import { checkInput } from './input'

export type Router = OpenAPIHono<AppEnv> & {
  /** Registers a contract route behind its guard (roles, CSRF) and input check (content type, NUL). */
  register<R extends AppRouteConfig>(route: R, handler: RouteHandler<R, AppEnv>): void
}

export function createRouter(guardOptions: GuardOptions): Router {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }) as Router
  app.register = (route, handler) => {
    app.openapi({ ...route, middleware: [guard(route, guardOptions), checkInput(route)] }, handler as never)
  }
  return app
}
