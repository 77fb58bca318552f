// No container engine runs here: this reads the Dockerfile and compose file for the settings that
// the deployment relies on, so that an edit which drops one fails the tests.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const dockerfile = readFileSync(resolve(root, 'docker/Dockerfile'), 'utf8')
type Service = {
  image?: string
  build?: unknown
  environment?: Record<string, string>
  healthcheck?: { test: string[] | string }
  depends_on?: Record<string, { condition: string }>
  read_only?: boolean
  tmpfs?: string[]
  cap_drop?: string[]
  security_opt?: string[]
  command?: string[] | string
  restart?: string
}
const compose = parse(readFileSync(resolve(root, 'docker/compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>
}

/** Dockerfile instructions of the last stage (the image that runs), continuation lines joined. */
function runtimeInstructions(): string[] {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n')
  const stages = lines.reduce<string[][]>((acc, line) => {
    if (/^FROM\s/i.test(line)) acc.push([])
    if (!/^\s*(#|$)/.test(line)) acc.at(-1)?.push(line.trim())
    return acc
  }, [])
  return stages.at(-1) ?? []
}

describe('docker/Dockerfile', () => {
  const runtime = runtimeInstructions()
  const last = (keyword: string) => runtime.filter((l) => l.toUpperCase().startsWith(`${keyword} `)).at(-1)

  it('builds in several stages and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM\s/gim)?.length).toBeGreaterThanOrEqual(3)
    const user = last('USER')?.split(/\s+/)[1]
    expect(user).toBeDefined()
    expect(['root', '0', '0:0']).not.toContain(user)
    expect(runtime.some((l) => l.includes('useradd') && l.includes(`${user}`))).toBe(true)
  })

  it('checks its health on /readyz and starts the bundle `pnpm start` runs, built by the same script', () => {
    expect(last('HEALTHCHECK')).toMatch(/CMD .*\/readyz/)
    const cmd = JSON.parse(last('CMD')!.slice(4)) as string[]
    const start = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: { start: string } })
      .scripts.start
    expect(start).toBe('exec sh scripts/start.sh')
    const script = readFileSync(resolve(root, 'scripts/start.sh'), 'utf8')
    expect(script).toMatch(/^node scripts\/build-if-changed\.mjs$/m)
    const [, settings, node] = /^exec env (.*?) (node .*bff\/dist\/main\.mjs)$/m.exec(script)!
    // The same Node command and flags, the same glibc settings, the bundle from the stage that built it.
    expect(cmd).toEqual(node!.split(' '))
    for (const setting of settings!.split(' ')) expect(last('ENV')).toContain(setting)
    expect(dockerfile).toMatch(/^RUN node scripts\/build-if-changed\.mjs web bff$/m)
    expect(runtime).toContain('COPY --from=build /app/bff/dist bff/dist')
  })

  it('keeps host node_modules and data out of the build context', () => {
    const ignore = readFileSync(resolve(root, 'docker/Dockerfile.dockerignore'), 'utf8')
    expect(ignore).toMatch(/^\*\*\/node_modules$/m)
    expect(ignore).toMatch(/^data$/m)
  })
})

describe('docker/compose.yaml', () => {
  const services = compose.services

  it('has the console, PostgreSQL, Redis, an S3 server and its bucket job, each checked for health', () => {
    expect(Object.keys(services).sort()).toEqual(['console', 'minio', 'minio-bucket', 'postgres', 'redis'])
    for (const name of ['console', 'postgres', 'redis', 'minio']) expect(services[name]!.healthcheck?.test).toBeTruthy()
    expect(services.console!.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      minio: { condition: 'service_healthy' },
      'minio-bucket': { condition: 'service_completed_successfully' },
    })
    expect(services['minio-bucket']!.depends_on).toEqual({ minio: { condition: 'service_healthy' } })
    expect(String(services['minio-bucket']!.command)).toMatch(/mc mb --ignore-existing/)
  })

  it('runs the console locked down: read-only root, tmpfs /tmp, no capabilities, no new privileges', () => {
    const console = services.console!
    expect(console.read_only).toBe(true)
    expect(console.tmpfs?.some((t) => t.split(':')[0] === '/tmp')).toBe(true)
    expect(console.cap_drop).toEqual(['ALL'])
    expect(console.security_opt).toContain('no-new-privileges:true')
  })

  it('wires the database, Redis and S3 through the environment', () => {
    const env = services.console!.environment!
    expect(env.DATABASE_URL).toMatch(/@postgres:5432\//)
    expect(env.REDIS_URL).toMatch(/^redis:\/\/.*@redis:6379/)
    expect(env.TG_S3_ENDPOINT).toBe('http://minio:9000')
    expect(env.TG_S3_BUCKET).toBeTruthy()
    expect(env.TG_S3_FORCE_PATH_STYLE).toBe('true')
    for (const name of ['TG_S3_ACCESS_KEY_ID', 'TG_S3_SECRET_ACCESS_KEY']) expect(env[name]).toBeTruthy()
  })

  it('hard-codes no secret: every one is a required variable', () => {
    const required = /^\$\{[A-Z_]+:\?[^}]*\}$/
    const env = services.console!.environment!
    for (const name of ['TG_KEY_MASTER', 'TG_SESSION_SECRET', 'TG_S3_ACCESS_KEY_ID', 'TG_S3_SECRET_ACCESS_KEY'])
      expect(env[name], name).toMatch(required)
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/tg:\$\{POSTGRES_PASSWORD:\?[^}]*\}@/)
    expect(env.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]*\}@/)
    expect(services.postgres!.environment!.POSTGRES_PASSWORD).toMatch(required)
    for (const name of ['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD'])
      expect(services.minio!.environment![name], name).toMatch(required)
    // Any value that looks like a secret is a variable reference, never a literal.
    for (const [service, spec] of Object.entries(services))
      for (const [name, value] of Object.entries(spec.environment ?? {}))
        if (/PASSWORD|SECRET|KEY_MASTER|ACCESS_KEY|AUTH/.test(name))
          expect(value, `${service}.${name}`).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]*\}$/)
  })
})
