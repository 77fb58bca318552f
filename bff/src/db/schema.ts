/**
 * The database schema, one file per module under `schema/`; migrations are generated from here
 * (`pnpm db:generate`).
 */
export * from './schema/auth'
export * from './schema/audit'
export * from './schema/tgsp'
export * from './schema/training'
export * from './schema/fedmoe'
export * from './schema/integrations'
export * from './schema/platform'
