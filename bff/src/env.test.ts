import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from './env'
import { resolveTgspConfig } from './modules/tgsp/config'

describe('configuration', () => {
  it('defaults to the embedded database under ./data on 127.0.0.1:8080', () => {
    const config = parseConfig({}, '/srv/console')
    expect(config).toMatchObject({
      env: 'development',
      host: '127.0.0.1',
      port: 8080,
      dataDir: '/srv/console/data',
      database: { kind: 'pglite', dir: '/srv/console/data/pglite' },
      webDist: '/srv/console/web/dist',
    })
  })

  it('honours PORT, HOST, TG_DATA_DIR and DATABASE_URL', () => {
    const config = parseConfig(
      { PORT: '9000', HOST: '0.0.0.0', TG_DATA_DIR: 'var', DATABASE_URL: 'postgres://db/tg' },
      '/srv',
    )
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/srv/var',
      database: { kind: 'postgres', url: 'postgres://db/tg' },
    })
  })

  it('reads the request rate limits and their store, naming a bad value', () => {
    expect(parseConfig({}, '/srv').rateLimit).toMatchObject({
      addressPerMinute: 600,
      principalPerMinute: 3000,
      isDisabled: false,
      redisUrl: undefined,
      databaseUrl: undefined,
    })
    const shared = parseConfig(
      {
        REDIS_URL: 'redis://cache:6379/0',
        DATABASE_URL: 'postgres://db/tg',
        TG_RATE_LIMIT_ADDRESS: '120',
        TG_RATE_LIMIT_PRINCIPAL: '900',
        TG_RATE_LIMIT_DISABLED: 'false',
      },
      '/srv',
    ).rateLimit
    expect(shared).toMatchObject({
      addressPerMinute: 120,
      principalPerMinute: 900,
      redisUrl: 'redis://cache:6379/0',
      databaseUrl: 'postgres://db/tg',
    })
    expect(() => parseConfig({ REDIS_URL: 'http://cache:6379' }, '/srv')).toThrow(/REDIS_URL/)
    expect(() => parseConfig({ TG_RATE_LIMIT_ADDRESS: '0' }, '/srv')).toThrow(/TG_RATE_LIMIT_ADDRESS/)
    expect(() => parseConfig({ TG_RATE_LIMIT_PRINCIPAL: 'many' }, '/srv')).toThrow(/TG_RATE_LIMIT_PRINCIPAL/)
    expect(parseConfig({ TG_RATE_LIMIT_DISABLED: 'true' }, '/srv').rateLimit.isDisabled).toBe(true)
  })

  it('reads the upload idle timeout and the free-space floor; the sweep waits well past the idle timeout', () => {
    const defaults = resolveTgspConfig(parseConfig({}, '/srv').tgsp)
    expect(defaults).toMatchObject({
      uploadIdleTimeoutMs: 60_000,
      minFreeBytes: 1024 ** 3,
      sweepIntervalMs: 60_000,
      sweepAfterMs: 600_000,
    })
    const slow = resolveTgspConfig(
      parseConfig({ TG_UPLOAD_IDLE_TIMEOUT_S: '900', TG_BLOB_MIN_FREE_BYTES: '5000000' }, '/srv').tgsp,
    )
    expect(slow).toMatchObject({ uploadIdleTimeoutMs: 900_000, minFreeBytes: 5_000_000, sweepAfterMs: 3_600_000 })
    expect(() => parseConfig({ TG_UPLOAD_IDLE_TIMEOUT_S: '0' })).toThrow(/TG_UPLOAD_IDLE_TIMEOUT_S/)
    expect(() => parseConfig({ TG_BLOB_MIN_FREE_BYTES: '-1' })).toThrow(/TG_BLOB_MIN_FREE_BYTES/)
  })

  it('reads TG_ALLOWED_HOSTS as host names and TG_MAX_STREAMS_PER_PRINCIPAL as a count', () => {
    expect(parseConfig({}, '/srv')).toMatchObject({ allowedHosts: [], maxStreamsPerPrincipal: 6 })
    const config = parseConfig(
      { TG_ALLOWED_HOSTS: ' Console.Internal, 10.0.0.5,fd00::7 ', TG_MAX_STREAMS_PER_PRINCIPAL: '2' },
      '/srv',
    )
    expect(config).toMatchObject({
      allowedHosts: ['console.internal', '10.0.0.5', '[fd00::7]'],
      maxStreamsPerPrincipal: 2,
    })
    for (const bad of ['https://console.example.com', 'console:8080', 'console/path', 'a b'])
      expect(() => parseConfig({ TG_ALLOWED_HOSTS: bad }), bad).toThrow(/TG_ALLOWED_HOSTS/)
    expect(() => parseConfig({ TG_MAX_STREAMS_PER_PRINCIPAL: '0' })).toThrow(/TG_MAX_STREAMS_PER_PRINCIPAL/)
  })

  it('reads the integrations settings: egress allow list, check and retry timings', () => {
    expect(parseConfig({}, '/srv').integrations).toEqual({
      egress: { allowHosts: [], maxBytes: 1024 * 1024 },
      checkIntervalMs: 300_000,
      checkTimeoutMs: 10_000,
      retryBaseMs: 5000,
      retryWindowMs: 86_400_000,
      disableAfter: 20,
      deliveryTimeoutMs: 10_000,
      pollMs: 1000,
    })
    const config = parseConfig(
      {
        TG_EGRESS_ALLOW_HOSTS: 'Nucleus.Internal:8080, 10.0.0.5, [fd00::1]:9090',
        TG_INTEGRATION_CHECK_INTERVAL_S: '30',
        TG_WEBHOOK_RETRY_WINDOW_S: '60',
      },
      '/srv',
    )
    expect(config.integrations.egress.allowHosts).toEqual([
      { host: 'nucleus.internal', port: 8080 },
      { host: '10.0.0.5', port: null },
      { host: 'fd00::1', port: 9090 },
    ])
    expect(config.integrations).toMatchObject({ checkIntervalMs: 30_000, retryWindowMs: 60_000 })
    expect(() => parseConfig({ TG_EGRESS_ALLOW_HOSTS: 'https://x.example/' }, '/srv')).toThrow(
      /TG_EGRESS_ALLOW_HOSTS: "https:\/\/x.example\/" is not host/,
    )
  })

  it('rejects invalid values, naming them', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => parseConfig({ TG_ENV: 'staging' })).toThrow(/TG_ENV/)
  })

  it('refuses production without its secrets and a durable database, naming each', () => {
    let message = ''
    try {
      parseConfig({ TG_ENV: 'production' })
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      message = (err as Error).message
    }
    expect(message).toContain('TG_KEY_MASTER')
    expect(message).toContain('TG_SESSION_SECRET')
    expect(message).toContain('durable database')
    expect(message).toContain('durable package store')
  })

  it('starts production with secrets, PostgreSQL and a package store, or everything on an absolute data directory', () => {
    const secrets = { TG_ENV: 'production', TG_KEY_MASTER: 'k'.repeat(32), TG_SESSION_SECRET: 's'.repeat(32) }
    expect(() => parseConfig({ ...secrets, DATABASE_URL: 'postgres://db/tg' })).toThrow(/durable package store/)
    const withBlobs = parseConfig({ ...secrets, DATABASE_URL: 'postgres://db/tg', TG_BLOB_DIR: '/srv/blobs' })
    expect(withBlobs.isProduction).toBe(true)
    expect(withBlobs.tgsp.blobDir).toBe('/srv/blobs')
    expect(parseConfig({ ...secrets, TG_DATA_DIR: '/var/lib/tg' }).database).toEqual({
      kind: 'pglite',
      dir: '/var/lib/tg/pglite',
    })
    expect(() => parseConfig({ ...secrets, TG_DATA_DIR: 'relative' })).toThrow(/durable database/)
    expect(() => parseConfig({ ...secrets, TG_KEY_MASTER: 'short', DATABASE_URL: 'postgres://db/tg' })).toThrow(
      /at least 32/,
    )
  })

  it('reads the S3 settings when TG_S3_BUCKET is set, and refuses incomplete or stray ones', () => {
    expect(parseConfig({}).tgsp.s3).toBeUndefined()
    const s3 = parseConfig({
      TG_S3_BUCKET: 'tg-packages',
      TG_S3_ENDPOINT: 'http://127.0.0.1:9000',
      TG_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      TG_S3_SECRET_ACCESS_KEY: 'secret-example',
      TG_S3_FORCE_PATH_STYLE: 'true',
      TG_S3_PREFIX: '/prod/tgsp',
    }).tgsp.s3
    expect(s3).toEqual({
      bucket: 'tg-packages',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' },
      forcePathStyle: true,
      prefix: 'prod/tgsp/',
    })
    expect(parseConfig({ TG_S3_BUCKET: 'tg-packages' }).tgsp.s3).toEqual({
      bucket: 'tg-packages',
      region: 'us-east-1',
      forcePathStyle: false,
      prefix: '',
    })
    expect(() => parseConfig({ TG_S3_BUCKET: 'Bad_Bucket' })).toThrow(/TG_S3_BUCKET must be a bucket name/)
    expect(() => parseConfig({ TG_S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(
      /TG_S3_ENDPOINT is set but TG_S3_BUCKET is not/,
    )
    expect(() => parseConfig({ TG_S3_BUCKET: 'tg-packages', TG_S3_ACCESS_KEY_ID: 'AKIDEXAMPLE' })).toThrow(
      /go together/,
    )
    expect(() => parseConfig({ TG_S3_BUCKET: 'tg-packages', TG_UPLOAD_MAX_BYTES: String(6 * 1024 ** 3) })).toThrow(
      /at most 5368709120/,
    )
    // A bucket is a durable package store for production; the secret is never part of an error.
    const secrets = { TG_ENV: 'production', TG_KEY_MASTER: 'k'.repeat(32), TG_SESSION_SECRET: 's'.repeat(32) }
    expect(
      parseConfig({ ...secrets, DATABASE_URL: 'postgres://db/tg', TG_S3_BUCKET: 'tg-packages' }).isProduction,
    ).toBe(true)
    expect(() => parseConfig({ TG_S3_BUCKET: 'tg-packages', TG_S3_SECRET_ACCESS_KEY: 'very-secret-value' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('very-secret-value') }),
    )
  })
})
