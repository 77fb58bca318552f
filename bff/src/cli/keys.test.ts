import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { auditSigningKeys, integrationSecrets, webhookSubscriptions } from '../db/schema'
import { createSealer } from '../lib/seal'
import { purposeOf } from '../modules/audit/keys'
import { connectorSecretPurpose, webhookSecretPurpose } from '../modules/integrations/context'
import { parseAllowHosts } from '../modules/integrations/egress'
import { HUB_TOKEN, startHubServer } from '../modules/integrations/test-servers'
import { createHarness } from '../test/harness'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const OLD = 'old-master-key-0123456789abcdef-0123456789'
const NEW = 'new-master-key-fedcba9876543210-9876543210'
const tgctl = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bff/src/cli/tgctl.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  })

describe('pnpm tgctl keys rewrap', { timeout: 180_000 }, () => {
  it('re-seals every secret under the new master key, all or nothing, and the server works on with it', async () => {
    const hub = await startHubServer()
    const dataDir = mkdtempSync(join(tmpdir(), 'tg-rewrap-'))
    const target = { kind: 'pglite' as const, dir: join(dataDir, 'pglite') }
    const integrations = {
      egress: { allowHosts: parseAllowHosts('127.0.0.1'), maxBytes: 1 << 20 },
      checkTimeoutMs: 3000,
    }
    const ctx = { actor: { type: 'system' as const, id: null, name: 'test' }, requestId: null, clientIp: null }

    const before = await createHarness({ target, keyMaster: OLD, integrations })
    const connector = await before.services.integrations.createConnector(ctx, {
      name: 'private model',
      enabled: true,
      config: { kind: 'huggingface', endpoint: hub.url, modelId: 'org/private-model', token: HUB_TOKEN },
    })
    const { secret } = await before.services.integrations.createWebhook(ctx, {
      name: 'hook',
      url: 'https://hooks.example/tg',
      events: ['webhook.test'],
      enabled: true,
    })
    const sealedBefore = await before.database.db.select().from(integrationSecrets)
    await before.close()

    const env = {
      TG_DATA_DIR: dataDir,
      OLD_KEY: OLD,
      NEW_KEY: NEW,
      WRONG_KEY: 'wrong-master-key-0000000000000000000000',
    }
    const wrong = tgctl(['keys', 'rewrap', '--old-key-env', 'WRONG_KEY', '--new-key-env', 'NEW_KEY'], env)
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toMatch(/wrong TG_KEY_MASTER or tampered data/)
    const missing = tgctl(['keys', 'rewrap', '--old-key-env', 'NOT_SET', '--new-key-env', 'NEW_KEY'], env)
    expect(missing.stderr).toContain('The environment variable NOT_SET (--old-key-env) is not set.')

    const ok = tgctl(['keys', 'rewrap', '--old-key-env', 'OLD_KEY', '--new-key-env', 'NEW_KEY'], env)
    expect(ok.stderr).toBe('')
    expect(ok.status).toBe(0)
    expect(ok.stdout).toContain('Re-sealed 2 audit signing key(s), 1 connector credential(s) and 1 webhook secret(s)')
    expect(ok.stdout + ok.stderr).not.toContain(OLD)
    expect(ok.stdout + ok.stderr).not.toContain(NEW)

    const after = await createHarness({ target, keyMaster: NEW, integrations })
    try {
      const db = after.database.db
      const [cred] = await db.select().from(integrationSecrets)
      expect(cred!.sealed).not.toBe(sealedBefore[0]!.sealed)
      const purpose = connectorSecretPurpose(connector.id, 'token')
      expect(createSealer(NEW).open(cred!.sealed, purpose).toString()).toBe(HUB_TOKEN)
      expect(() => createSealer(OLD).open(cred!.sealed, purpose)).toThrow(/wrong TG_KEY_MASTER/)
      const [hook] = await db.select().from(webhookSubscriptions)
      expect(createSealer(NEW).open(hook!.secretSealed, webhookSecretPurpose(hook!.id)).toString()).toBe(secret)
      for (const k of await db.select().from(auditSigningKeys))
        expect(() => createSealer(NEW).open(k.sealedSecret, purposeOf(k))).not.toThrow()

      // The server on the new key: the token still opens (the private model is healthy), checkpoints still sign.
      await after.services.integrations.runChecks()
      expect((await after.services.integrations.getConnector(connector.id)).status).toBe('healthy')
      expect(hub.requests.at(-1)?.headers.authorization).toBe(`Bearer ${HUB_TOKEN}`)
      await expect(after.services.audit.createCheckpoint()).resolves.toBeTruthy()
      const entries = await after.auditEntries()
      expect(entries.find((e) => e.body.action === 'keys.master_rewrapped')?.body.details).toEqual({
        auditKeys: 2,
        connectorCredentials: 1,
        webhookSigningKeys: 1,
      })
    } finally {
      await after.close()
      await hub.close()
    }
  })
})
