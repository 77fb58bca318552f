// Releasing a package through the real API, as the marketplace's publisher and release manager do:
// build it with tgctl, register the publisher's key, upload, create a fleet, promote.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tgctl } from './tgctl'

type Session = { cookie: string; csrf: string }

/** A signed package and its publisher key, built in a temporary folder (removed by `cleanup`). */
export function buildPackage(version: string, description?: string) {
  const work = mkdtempSync(join(tmpdir(), 'tg-e2e-tgsp-'))
  const file = (name: string) => join(work, name)
  tgctl('tgsp', 'keygen', '--type', 'signing', '--out', file('publisher'))
  tgctl('tgsp', 'keygen', '--type', 'encryption', '--out', file('fleet'))
  mkdirSync(file('adapter'))
  writeFileSync(file('adapter/adapter_config.json'), JSON.stringify({ r: 8, lora_alpha: 16 }))
  writeFileSync(file('adapter/adapter_model.bin'), Buffer.alloc(64 * 1024, 3))
  if (description !== undefined) writeFileSync(file('description.md'), description)
  tgctl(
    'tgsp', 'build', '--input-dir', file('adapter'), '--out', file('package.tgsp'),
    '--model-name', 'support-bot', '--model-version', version, '--package-id', '00112233aabbccdd',
    '--base-model', 'llama-3-8b', '--recipients', file('fleet/encryption.pub.json'),
    '--signing-key', file('publisher/signing.key.json'), '--signing-pub', file('publisher/signing.pub.json'),
    ...(description === undefined ? [] : ['--description-file', file('description.md')]),
  ) // prettier-ignore
  const key = JSON.parse(readFileSync(file('publisher/signing.pub.json'), 'utf8')) as { classic: string; pqc: string }
  return {
    bytes: readFileSync(file('package.tgsp')),
    publisherKey: { classic: key.classic, pqc: key.pqc },
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  }
}

async function call(baseUrl: string, session: Session, path: string, body: unknown, raw = false) {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      origin: baseUrl,
      'content-type': raw ? 'application/octet-stream' : 'application/json',
      cookie: `tg_session=${session.cookie}`,
      'x-csrf-token': session.csrf,
    },
    body: raw ? new Uint8Array(body as Buffer) : JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as { id: string }
}

/** Registers the publisher, uploads the package, creates a fleet and promotes to `channel`; returns the release id. */
export async function releasePackage(
  baseUrl: string,
  admin: Session,
  built: ReturnType<typeof buildPackage>,
  channel: string,
) {
  await call(baseUrl, admin, '/api/v1/tgsp/publishers', { name: 'Acme Models', ...built.publisherKey })
  const pkg = await call(baseUrl, admin, '/api/v1/tgsp/packages', built.bytes, true)
  const fleet = await call(baseUrl, admin, '/api/v1/tgsp/fleets', { name: 'edge-eu' })
  const release = await call(baseUrl, admin, '/api/v1/tgsp/releases', { packageId: pkg.id, fleetId: fleet.id, channel })
  return release.id
}
