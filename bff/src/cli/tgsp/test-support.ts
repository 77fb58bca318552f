// Test material for the tgsp CLI tests: keys made once per test file, a fresh temp dir per test.
import { mkdtempSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  publisherFingerprint,
  type RandomSource,
  type TrustedSigner,
} from '@tg/contracts/formats/tgsp'

export const signing = generateSigningKeyPair()
export const recipient = generateEncryptionKeyPair()
export const stranger = generateEncryptionKeyPair()

export const publisher: TrustedSigner = {
  id: publisherFingerprint(signing.publicKey.classic, signing.publicKey.pqc),
  name: 'Acme Models',
  classic: signing.publicKey.classic,
  pqc: signing.publicKey.pqc,
  revoked: false,
}

export function tempDir(prefix = 'tg-tgsp-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export const SAMPLE_FILES: Record<string, string | Uint8Array> = {
  'adapter_config.json': '{"r":16,"lora_alpha":32}',
  'weights/adapter_model.safetensors': new Uint8Array(70_000).map((_, i) => (i * 31) % 256),
  'tokenizer/special tokens ünï.txt': '<|begin_of_text|>\n',
}

/** Writes `files` under `dir` and returns it. */
export async function writeTree(dir: string, files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [path, data] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), data)
  }
  return dir
}

/** Deterministic bytes for tests that compare two builds byte for byte. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0
  return (length) => {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0
      out[i] = state >>> 24
    }
    return out
  }
}
