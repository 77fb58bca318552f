import type { Role } from '@tg/contracts'
import type { Logger } from 'pino'

export type UserPrincipal = {
  kind: 'user'
  id: string
  username: string
  displayName: string
  roles: Role[]
  session: { tokenHash: string; csrfToken: string; expiresAt: Date }
}

export type ApiKeyPrincipal = {
  kind: 'api_key'
  id: string
  name: string
  prefix: string
  roles: Role[]
  /** Set for a training agent's key: its only right is to report this run's rounds. */
  scopeRunId: string | null
  /** Set for a FedMoE ingest key: its only right is to post evidence for versions of these families. */
  scopeExpertIds: string[] | null
  /** Set for a fleet agent's key: its only right is to report release health on this fleet. */
  scopeFleetId: string | null
}

export type Principal = UserPrincipal | ApiKeyPrincipal

export type AppEnv = {
  Variables: {
    requestId: string
    clientIp: string | null
    log: Logger
    principal: Principal | undefined
    /** The caller the rate limiter resolved from the credentials (null: none valid; undefined: not resolved). */
    caller: Principal | null | undefined
  }
}
