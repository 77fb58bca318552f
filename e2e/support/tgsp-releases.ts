// A publisher with several versions of one package, released and rolled back through the real API
// (as the marketplace's admin and release manager do), for specs that start from that state.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tgctl } from './tgctl'
import type { Session } from './api'

/** Versions of support-bot signed by one publisher key, as files in a temporary folder. */
export function buildVersions(versions: readonly string[]) {
  const work = mkdtempSync(join(tmpdir(), 'tg-e2e-tgsp-'))
  const file = (name: string) => join(work, name)
  tgctl('tgsp', 'keygen', '--type', 'signing', '--out', file('publisher'))
  tgctl('tgsp', 'keygen', '--type', 'encryption', '--out', file('fleet'))
  mkdirSync(file('adapter'))
  writeFileSync(file('adapter/adapter_config.json'), JSON.stringify({ r: 8, lora_alpha: 16 }))
  const files: Record<string, string> = {}
  for (const version of versions) {
    writeFileSync(file('adapter/adapter_model.bin'), Buffer.alloc(32 * 1024, version.length))
    files[version] = file(`support-bot-${version}.tgsp`)
    tgctl(
      'tgsp', 'build', '--input-dir', file('adapter'), '--out', files[version],
      '--model-name', 'support-bot', '--model-version', version, '--package-id', '00112233aabbccdd',
      '--base-model', 'llama-3-8b', '--recipients', file('fleet/encryption.pub.json'),
      '--signing-key', file('publisher/signing.key.json'), '--signing-pub', file('publisher/signing.pub.json'),
    ) // prettier-ignore
  }
  const key = JSON.parse(readFileSync(file('publisher/signing.pub.json'), 'utf8')) as { classic: string; pqc: string }
  return {
    files,
    publisherKey: { classic: key.classic, pqc: key.pqc },
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  }
}

/** POST as the signed-in user; answers the created resource (201) or throws with the API's answer. */
export async function postApi(baseUrl: string, session: Session, path: string, body: unknown) {
  const raw = body instanceof Uint8Array
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      origin: baseUrl,
      'content-type': raw ? 'application/octet-stream' : 'application/json',
      cookie: `tg_session=${session.cookie}`,
      'x-csrf-token': session.csrf,
    },
    body: raw ? new Uint8Array(body) : JSON.stringify(body),
  })
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as { id: string }
}
