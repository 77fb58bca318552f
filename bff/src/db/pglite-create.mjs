// Creates an embedded database folder and applies the migrations, in a short-lived process of its
// own: PGlite's initdb grows its WebAssembly memory to some 800 MB, which WebAssembly cannot give
// back, so the server opens the folder afterwards (about 100 MB) instead of creating it.
// Plain JavaScript, so that it runs the same from the sources and from bff/dist.
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'

const [dir, migrationsFolder, startParams] = process.argv.slice(2)
// The same extensions as pgliteExtensions() in pglite-setup.ts (migration 0021 creates pg_trgm).
const client = new PGlite(dir, { startParams: JSON.parse(startParams), extensions: { pg_trgm } })
await migrate(drizzle(client), { migrationsFolder })
// Starts with statistics (empty tables), so that the server's maintenance has nothing to catch up on.
await client.exec('analyze')
await client.close()
