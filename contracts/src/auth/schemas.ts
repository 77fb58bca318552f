import { z } from '@hono/zod-openapi'
import { RoleSchema } from '../common/roles'
import { TimestampSchema } from '../common/pagination'

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 256

export const UsernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(USERNAME_PATTERN, 'Use 2 to 63 lowercase letters, digits, dot, dash or underscore.')
  .openapi({ example: 'alice' })

export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH)
  .openapi({ format: 'password' })

export const DisplayNameSchema = z.string().trim().min(1).max(120)

export const SessionUserSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(RoleSchema).min(1),
  })
  .openapi('SessionUser')
export type SessionUser = z.infer<typeof SessionUserSchema>

export const SessionResponseSchema = z
  .object({
    user: SessionUserSchema,
    csrfToken: z.string().openapi({ description: 'Send as X-CSRF-Token on state-changing requests.' }),
    expiresAt: TimestampSchema,
  })
  .openapi('SessionResponse')
export type SessionResponse = z.infer<typeof SessionResponseSchema>

export const SetupStatusResponseSchema = z
  .object({
    setupRequired: z.boolean().openapi({ description: 'True until the first admin exists.' }),
  })
  .openapi('SetupStatusResponse')
export type SetupStatusResponse = z.infer<typeof SetupStatusResponseSchema>

export const CompleteSetupBodySchema = z
  .object({
    token: z
      .string()
      .min(16)
      .max(200)
      .openapi({ description: 'The one-time token from the setup link in the server log.' }),
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    password: PasswordSchema,
  })
  .openapi('CompleteSetupBody')
export type CompleteSetupBody = z.infer<typeof CompleteSetupBodySchema>

export const SignInBodySchema = z
  .object({
    username: z.string().trim().toLowerCase().min(1).max(63),
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH).openapi({ format: 'password' }),
  })
  .openapi('SignInBody')
export type SignInBody = z.infer<typeof SignInBodySchema>
