// Runs in Chromium (bundled by esbuild for `pnpm bench`): the console's own checkpoint
// verification (contracts' verifyCheckpoint) against the raw WebCrypto verify of both
// signatures with keys imported once, and noble's ML-DSA-65 alone, in the same page.
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import { parseSignedNote, parseVerifierKey, signatureBackends, verifyCheckpoint } from '@tg/contracts/formats/audit'

type Input = { note: string; keys: string[]; iterations: number }

async function timeEach(iterations: number, run: () => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < Math.min(50, iterations); i++) await run() // warm-up
  const started = performance.now()
  for (let i = 0; i < iterations; i++) await run()
  return (performance.now() - started) / iterations
}

async function consoleVerify({ note, keys, iterations }: Input): Promise<number> {
  const trusted = keys.map(parseVerifierKey)
  return timeEach(iterations, async () => {
    const result = await verifyCheckpoint(note, trusted)
    if (!result.ok) throw new Error(`checkpoint did not verify: ${result.reason}`)
  })
}

function signaturesOf(note: string, keys: string[]) {
  const parsed = parseSignedNote(note)
  const message = new TextEncoder().encode(parsed.body)
  return keys.map(parseVerifierKey).map((key) => {
    const signature = parsed.signatures.find((s) => s.name === key.name)
    if (!signature) throw new Error(`no signature by ${key.name}`)
    return { key, signature: signature.signature, message }
  })
}

const NAMES = { ed25519: 'Ed25519', 'ml-dsa-65': 'ML-DSA-65' } as const
const FORMATS = { ed25519: 'raw', 'ml-dsa-65': 'raw-public' } as const

/** Both signatures verified by crypto.subtle with keys imported once; in sequence or at once. */
async function rawVerify({ note, keys, iterations }: Input, isConcurrent: boolean): Promise<number> {
  const subtle = crypto.subtle as unknown as {
    importKey(f: string, d: Uint8Array, a: { name: string }, e: boolean, u: string[]): Promise<unknown>
    verify(a: { name: string }, k: unknown, s: Uint8Array, d: Uint8Array): Promise<boolean>
  }
  const items = await Promise.all(
    signaturesOf(note, keys).map(async (item) => {
      const algorithm = { name: NAMES[item.key.algorithm] }
      const key = await subtle.importKey(FORMATS[item.key.algorithm], item.key.publicKey, algorithm, false, ['verify'])
      return { ...item, algorithm, cryptoKey: key }
    }),
  )
  const verifyOne = (i: (typeof items)[number]) => subtle.verify(i.algorithm, i.cryptoKey, i.signature, i.message)
  return timeEach(iterations, async () => {
    const results = isConcurrent
      ? await Promise.all(items.map(verifyOne))
      : [await verifyOne(items[0]!), await verifyOne(items[1]!)]
    if (!results.every(Boolean)) throw new Error('a raw signature did not verify')
  })
}

function nobleMlDsa({ note, keys, iterations }: Input): Promise<number> {
  const item = signaturesOf(note, keys).find((i) => i.key.algorithm === 'ml-dsa-65')!
  return timeEach(iterations, () => {
    if (!ml_dsa65.verify(item.signature, item.message, item.key.publicKey)) throw new Error('noble did not verify')
  })
}

Object.assign(globalThis, {
  checkpointBench: {
    backends: signatureBackends,
    consoleVerify,
    rawSequential: (input: Input) => rawVerify(input, false),
    rawConcurrent: (input: Input) => rawVerify(input, true),
    nobleMlDsa,
  },
})
