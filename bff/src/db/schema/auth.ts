import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { createdAt } from './columns'

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    /** Null for a single sign-on user: they have no password here (tgctl can still set one). */
    passwordHash: text('password_hash'),
    roles: text('roles').array().notNull(),
    disabledAt: timestamp('disabled_at', { withTimezone: true, mode: 'date' }),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true, mode: 'date' }),
    createdAt: createdAt(),
    /** The OpenID Connect identity (issuer + `sub`) this user signs in with; null for a local user. */
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
  },
  (t) => [
    index('users_created_at_idx').on(t.createdAt, t.id),
    uniqueIndex('users_oidc_identity_idx').on(t.oidcIssuer, t.oidcSubject),
    // The search `q` (username or display name contains): trigram indexes (pg_trgm).
    index('users_username_trgm_idx').using('gin', t.username.op('gin_trgm_ops')).with({ fastupdate: 'off' }),
    index('users_display_name_trgm_idx').using('gin', t.displayName.op('gin_trgm_ops')).with({ fastupdate: 'off' }),
  ],
)

/**
 * Single sign-on attempts in flight: the state, nonce and PKCE verifier generated at the start,
 * keyed by the HMAC of the random token in this browser's HttpOnly attempt cookie, used once.
 */
export const oidcAttempts = pgTable(
  'oidc_attempts',
  {
    bindingHash: text('binding_hash').primaryKey(),
    state: text('state').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    redirect: text('redirect').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('oidc_attempts_expires_idx').on(t.expiresAt)],
)

export const sessions = pgTable(
  'sessions',
  {
    /** HMAC of the cookie token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
)

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** HMAC of the whole key; the key itself is shown once and never stored. */
    secretHash: text('secret_hash').notNull().unique(),
    roles: text('roles').array().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    /** A key scoped to one training run: its only right is to report that run's rounds. */
    scopeRunId: uuid('scope_run_id'),
    /** A FedMoE ingest key: its only right is to post evidence for versions of these families. */
    scopeExpertIds: uuid('scope_expert_ids').array(),
    /** A fleet agent's key: its only right is to report the health of releases on this fleet. */
    scopeFleetId: uuid('scope_fleet_id'),
  },
  (t) => [index('api_keys_prefix_idx').on(t.prefix), index('api_keys_created_at_idx').on(t.createdAt, t.id)],
)

export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
})

/**
 * Sign-in attempt counters per (account, address), per address and per account, shared by every
 * replica. An attempt is charged (`failures` + 1) by one atomic upsert before its password is
 * checked and given back on success; `refused` counts the attempts turned away during the current
 * block, `ended_refused` those of the block that the last charged attempt ended (for the audit
 * summary); `reservation` names the request that last charged the row.
 */
export const signInThrottle = pgTable(
  'sign_in_throttle',
  {
    key: text('key').primaryKey(),
    scope: text('scope').notNull().default('pair'),
    username: text('username'),
    address: text('address'),
    allowance: integer('allowance').notNull().default(5),
    failures: integer('failures').notNull(),
    lastFailureAt: timestamp('last_failure_at', { withTimezone: true, mode: 'date' }).notNull(),
    blockedUntil: timestamp('blocked_until', { withTimezone: true, mode: 'date' }),
    refused: integer('refused').notNull().default(0),
    endedRefused: integer('ended_refused').notNull().default(0),
    reservation: text('reservation'),
  },
  (t) => [index('sign_in_throttle_username_idx').on(t.username)],
)

/** One-time password reset links issued by an admin; the token is stored as an HMAC. */
export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('password_reset_tokens_user_idx').on(t.userId)],
)
