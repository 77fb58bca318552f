import { OpenAPIHono } from '@hono/zod-openapi'
import type { RouteHandler } from '@hono/zod-openapi'
import type { z } from 'zod'
import type { AppRouteConfig } from '@tg/contracts'
import type { AppEnv } from './context'
import { guard } from './guard'
import type { GuardOptions } from './guard'
import { validationHook } from './http'
import { checkInput } from './input'

/** A route's own answer to its input's validation (instead of the default 400/422). */
export type InputHook = (
  result: { target: string } & ({ success: true } | { success: false; error: z.ZodError }),
) => void

export type Router = OpenAPIHono<AppEnv> & {
  /** Registers a contract route behind its guard (roles, CSRF) and input check (content type, NUL). */
  register<R extends AppRouteConfig>(route: R, handler: RouteHandler<R, AppEnv>, hook?: InputHook): void
}

export function createRouter(guardOptions: GuardOptions): Router {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }) as Router
  app.register = (route, handler, hook) => {
    app.openapi(
      { ...route, middleware: [guard(route, guardOptions), checkInput(route)] },
      handler as never,
      hook as never,
    )
  }
  return app
}
