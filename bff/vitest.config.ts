import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scan/**/*.test.ts'],
    // One migrated embedded database, dumped once, that the harnesses start from (see the file).
    globalSetup: ['src/test/pglite-template.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite boots in seconds and scrypt is deliberately slow: keep two files at a time on two cores.
    maxWorkers: 2,
  },
})
