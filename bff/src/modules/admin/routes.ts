import {
  createApiKeyRoute,
  createUserRoute,
  issuePasswordResetRoute,
  unlockSignInRoute,
  listApiKeysRoute,
  listUsersRoute,
  revokeApiKeyRoute,
  updateUserRoute,
} from '@tg/contracts'
import type { GuardOptions } from '../../lib/guard'
import { sendJson } from '../../lib/json-page'
import { createRouter } from '../../lib/router'
import { auditContextOf } from '../audit/record'
import type { AdminService } from './service'

export function createAdminRoutes({ admin, guard }: { admin: AdminService; guard: GuardOptions }) {
  const app = createRouter(guard)

  app.register(listUsersRoute, async (c) => sendJson(c, await admin.listUsers(c.req.valid('query')), 200))

  app.register(createUserRoute, async (c) =>
    c.json(await admin.createUser(auditContextOf(c), c.req.valid('json')), 201),
  )

  app.register(updateUserRoute, async (c) => {
    const { userId } = c.req.valid('param')
    return c.json(await admin.updateUser(auditContextOf(c), userId, c.req.valid('json')), 200)
  })

  app.register(unlockSignInRoute, async (c) => {
    const { userId } = c.req.valid('param')
    return c.json(await admin.unlockSignIn(auditContextOf(c), userId), 200)
  })

  app.register(issuePasswordResetRoute, async (c) => {
    const { userId } = c.req.valid('param')
    return c.json(await admin.issuePasswordReset(auditContextOf(c), userId), 201)
  })

  app.register(listApiKeysRoute, async (c) => sendJson(c, await admin.listApiKeys(c.req.valid('query')), 200))

  app.register(createApiKeyRoute, async (c) =>
    c.json(await admin.createApiKey(auditContextOf(c), c.req.valid('json')), 201),
  )

  app.register(revokeApiKeyRoute, async (c) => {
    const { keyId } = c.req.valid('param')
    return c.json(await admin.revokeApiKey(auditContextOf(c), keyId), 200)
  })

  return app
}
