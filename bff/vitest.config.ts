import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scan/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PGlite boots in seconds and scrypt is deliberately slow: keep two files at a time on two cores.
    maxWorkers: 2,
  },
})
