// Two versions of one model by one publisher, uploaded through the real API: what the labels,
// download count and manifest diff tests of the marketplace need.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tgctlAsync } from './tgctl'
import { postApi } from './tgsp-releases'
import type { Session } from './api'

/**
 * Uploads `vision-lora` 1.0.0 and 1.1.0, signed by one registered publisher: 1.1.0 changes the
 * adapter's config (r 8 -> 16), adds a tokenizer and names a second base model. Returns their ids.
 */
export async function uploadTwoVersions(baseUrl: string, admin: Session): Promise<{ v1: string; v2: string }> {
  const work = mkdtempSync(join(tmpdir(), 'tg-e2e-versions-'))
  const file = (name: string) => join(work, name)
  try {
    await tgctlAsync('tgsp', 'keygen', '--type', 'signing', '--out', file('publisher'))
    await tgctlAsync('tgsp', 'keygen', '--type', 'encryption', '--out', file('fleet'))
    const key = JSON.parse(readFileSync(file('publisher/signing.pub.json'), 'utf8')) as { classic: string; pqc: string }
    await postApi(baseUrl, admin, '/api/v1/tgsp/publishers', { name: 'Vision Lab', classic: key.classic, pqc: key.pqc })
    const ids: string[] = []
    for (const [version, r, hasTokenizer, baseModels] of [
      ['1.0.0', 8, false, ['llama-3-8b']],
      ['1.1.0', 16, true, ['llama-3-8b', 'mistral-7b']],
    ] as const) {
      const dir = file(`adapter-${version}`)
      mkdirSync(dir)
      writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify({ r, lora_alpha: 16 }))
      writeFileSync(join(dir, 'adapter_model.bin'), Buffer.alloc(32 * 1024, 5))
      if (hasTokenizer) writeFileSync(join(dir, 'tokenizer.json'), '{"model":"bpe"}')
      const out = file(`vision-${version}.tgsp`)
      await tgctlAsync(
        'tgsp', 'build', '--input-dir', dir, '--out', out, '--model-name', 'vision-lora', '--model-version', version,
        '--package-id', '0a0b0c0d0e0f1011', ...baseModels.flatMap((m) => ['--base-model', m]),
        '--recipients', file('fleet/encryption.pub.json'), '--signing-key', file('publisher/signing.key.json'),
        '--signing-pub', file('publisher/signing.pub.json'),
      ) // prettier-ignore
      ids.push((await postApi(baseUrl, admin, '/api/v1/tgsp/packages', new Uint8Array(readFileSync(out)))).id)
    }
    return { v1: ids[0]!, v2: ids[1]! }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
