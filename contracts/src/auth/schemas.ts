import { z } from 'zod'
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
  .meta({ example: 'alice' })

export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH)
  .meta({ format: 'password' })

export const DisplayNameSchema = z.string().trim().min(1).max(120)

export const SessionUserSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(RoleSchema).min(1),
  })
  .meta({ id: 'SessionUser' })
export type SessionUser = z.infer<typeof SessionUserSchema>

export const SessionResponseSchema = z
  .object({
    user: SessionUserSchema,
    csrfToken: z.string().meta({ description: 'Send as X-CSRF-Token on state-changing requests.' }),
    expiresAt: TimestampSchema,
  })
  .meta({ id: 'SessionResponse' })
export type SessionResponse = z.infer<typeof SessionResponseSchema>

export const SetupStatusResponseSchema = z
  .object({
    setupRequired: z.boolean().meta({ description: 'True until the first admin exists.' }),
  })
  .meta({ id: 'SetupStatusResponse' })
export type SetupStatusResponse = z.infer<typeof SetupStatusResponseSchema>

export const CompleteSetupBodySchema = z
  .object({
    token: z
      .string()
      .min(16)
      .max(200)
      .meta({ description: 'The one-time token from the setup link in the server log.' }),
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    password: PasswordSchema,
  })
  .meta({ id: 'CompleteSetupBody' })
export type CompleteSetupBody = z.infer<typeof CompleteSetupBodySchema>

export const SignInBodySchema = z
  .object({
    username: z.string().trim().toLowerCase().min(1).max(63),
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH).meta({ format: 'password' }),
  })
  .meta({ id: 'SignInBody' })
export type SignInBody = z.infer<typeof SignInBodySchema>

export const ChangePasswordBodySchema = z
  .object({
    currentPassword: z
      .string()
      .min(1, 'Enter your current password.')
      .max(PASSWORD_MAX_LENGTH)
      .meta({ format: 'password' }),
    newPassword: PasswordSchema,
  })
  .refine((b) => b.newPassword !== b.currentPassword, {
    message: 'Choose a password that differs from the current one.',
    path: ['newPassword'],
  })
  .meta({ id: 'ChangePasswordBody' })
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>

export const ChangePasswordResponseSchema = z
  .object({
    endedSessions: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Other sessions of the user that were ended; this one stays signed in.' }),
  })
  .meta({ id: 'ChangePasswordResponse' })
export type ChangePasswordResponse = z.infer<typeof ChangePasswordResponseSchema>

export const CompletePasswordResetBodySchema = z
  .object({
    token: z
      .string()
      .min(16)
      .max(200)
      .meta({ description: 'The one-time token from the reset link (its #token=… fragment).' }),
    newPassword: PasswordSchema,
  })
  .meta({ id: 'CompletePasswordResetBody' })
export type CompletePasswordResetBody = z.infer<typeof CompletePasswordResetBodySchema>

export const CompletePasswordResetResponseSchema = z
  .object({ username: z.string().meta({ description: 'Sign in as this user with the new password.' }) })
  .meta({ id: 'CompletePasswordResetResponse' })
export type CompletePasswordResetResponse = z.infer<typeof CompletePasswordResetResponseSchema>
