/**
 * `pnpm bench` (checkpoint verify in Chromium): the console's verifyCheckpoint (Ed25519 +
 * ML-DSA-65, keys parsed as the console does) against the raw WebCrypto verify of both signatures
 * with keys imported once, in the same page; then the same page with WebCrypto refusing both
 * algorithms (the noble fallback the feature test picks), against noble's ML-DSA-65 alone; and the
 * fallback in Node (WebCrypto Ed25519, noble ML-DSA-65). Rounds alternate the two sides of each
 * ratio so that a busy machine slows both. Option: BENCH_CHECKPOINTS (per round, default 2000).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPairSync, sign } from 'node:crypto'
import { loadavg } from 'node:os'
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import {
  formatCheckpointBody,
  formatVerifierKey,
  parseSignedNote,
  signNoteBody,
  verifyCheckpoint,
} from '@tg/contracts/formats/audit'
import type { NoteSigner } from '@tg/contracts/formats/audit'
import { bundle, launchChromium } from './chromium'

const CHECKPOINTS = Number(process.env.BENCH_CHECKPOINTS ?? 2000)
const ROUNDS = 5

/** In the page: WebCrypto refuses Ed25519 and ML-DSA-65, as in a browser without them. */
const WITHOUT_NATIVE_SIGNATURES = `{
  const subtle = SubtleCrypto.prototype
  const refused = (a) => /^(ed25519|ml-dsa-65)$/i.test(typeof a === 'string' ? a : a?.name ?? '')
  for (const [method, at] of [['generateKey', 0], ['importKey', 2], ['sign', 0], ['verify', 0]]) {
    const original = subtle[method]
    subtle[method] = function (...args) {
      return refused(args[at]) ? Promise.reject(new DOMException('unsupported', 'NotSupportedError')) : original.apply(this, args)
    }
  }
}`

async function signedCheckpoint() {
  const ed = generateKeyPairSync('ed25519')
  const edPublic = Buffer.from(ed.publicKey.export({ format: 'jwk' }).x as string, 'base64url')
  const pq = ml_dsa65.keygen()
  const signers: NoteSigner[] = [
    {
      key: { name: 'bench.example/audit', algorithm: 'ed25519', publicKey: new Uint8Array(edPublic) },
      sign: (m) => new Uint8Array(sign(null, m, ed.privateKey)),
    },
    {
      key: { name: 'bench.example/audit-pq', algorithm: 'ml-dsa-65', publicKey: pq.publicKey },
      sign: (m) => ml_dsa65.sign(m, pq.secretKey),
    },
  ]
  const body = formatCheckpointBody({
    origin: 'bench.example/audit',
    treeSize: 1_000_000,
    rootHash: new Uint8Array(32).fill(42),
    extensions: [],
  })
  return { note: await signNoteBody(body, signers), keys: signers.map((s) => formatVerifierKey(s.key)) }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (value: number) => `${value.toFixed(3)} ms`

type Side = () => Promise<number>

type Figures = { medians: Record<string, number>; fastest: Record<string, number> }

/**
 * Medians of ROUNDS alternating rounds of each side, and each side's fastest round: on a shared
 * virtual machine the same side moves by up to 1.4x between rounds, and the fastest round is the
 * one least disturbed.
 */
async function alternate(sides: Record<string, Side>): Promise<Figures> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]))
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, side] of Object.entries(sides)) samples[name]!.push(await side())
  const fastest = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.min(...v)]))
  return { medians: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])), fastest }
}

async function nodeFallback(note: string, keys: string[]) {
  const { parseVerifierKey } = await import('@tg/contracts/formats/audit')
  const trusted = keys.map(parseVerifierKey)
  const parsed = parseSignedNote(note)
  const message = new TextEncoder().encode(parsed.body)
  const pq = parsed.signatures[1]!.signature
  const pqKey = trusted[1]!.publicKey
  const per = async (run: () => unknown) => {
    const n = Math.max(50, CHECKPOINTS / 10)
    const started = performance.now()
    for (let i = 0; i < n; i++) await run()
    return (performance.now() - started) / n
  }
  return (
    await alternate({
      checkpoint: () =>
        per(async () => {
          if (!(await verifyCheckpoint(note, trusted)).ok) throw new Error('did not verify')
        }),
      nobleMlDsa: () => per(() => ml_dsa65.verify(pq, message, pqKey)),
    })
  ).medians
}

export async function runCheckpointBench(): Promise<void> {
  const { note, keys } = await signedCheckpoint()
  const script = await bundle('./checkpoint-page.ts')
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script)
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script type="module" src="/bench.js"></script>')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const browser = await launchChromium()
  try {
    const input = { note, keys, iterations: CHECKPOINTS }
    type Bench = Record<string, (i: typeof input) => Promise<number>> & { backends: () => Promise<unknown> }
    const open = async (isFallback: boolean) => {
      const page = await browser.newPage()
      if (isFallback) await page.addInitScript(WITHOUT_NATIVE_SIGNATURES)
      await page.goto(url)
      await page.waitForFunction(() => 'checkpointBench' in globalThis)
      return page
    }
    const call = (page: Awaited<ReturnType<typeof open>>, name: string) => () =>
      page.evaluate(
        ([n, i]) =>
          (globalThis as unknown as { checkpointBench: Bench }).checkpointBench[n as string]!(i as typeof input),
        [name, input] as const,
      )
    console.log(
      `\ncheckpoint verify in Chromium ${browser.version()} (Ed25519 + ML-DSA-65, ${CHECKPOINTS} in a row, medians of ${ROUNDS} alternating rounds; load average ${loadavg()[0]!.toFixed(1)})`,
    )
    const native = await open(false)
    const backends = await native.evaluate(() =>
      (globalThis as unknown as { checkpointBench: Bench }).checkpointBench.backends(),
    )
    const { medians: n, fastest: fast } = await alternate({
      console: call(native, 'consoleVerify'),
      sequential: call(native, 'rawSequential'),
      concurrent: call(native, 'rawConcurrent'),
    })
    console.log(`  backends picked by the feature test: ${JSON.stringify(backends)}`)
    console.log(
      `  console verifyCheckpoint ${ms(n.console!)}; raw WebCrypto verify of both with imported keys ${ms(n.sequential!)} ` +
        `one after the other (ratio ${(n.console! / n.sequential!).toFixed(2)}x, goal <= 1.2x), ${ms(n.concurrent!)} both at once ` +
        `(ratio ${(n.console! / n.concurrent!).toFixed(2)}x)`,
    )
    console.log(
      `  fastest rounds: console ${ms(fast.console!)}, raw one after the other ${ms(fast.sequential!)} ` +
        `(ratio ${(fast.console! / fast.sequential!).toFixed(2)}x), both at once ${ms(fast.concurrent!)} ` +
        `(ratio ${(fast.console! / fast.concurrent!).toFixed(2)}x)`,
    )
    const fallback = await open(true)
    const fb = await fallback.evaluate(() =>
      (globalThis as unknown as { checkpointBench: Bench }).checkpointBench.backends(),
    )
    const { medians: f } = await alternate({
      console: call(fallback, 'consoleVerify'),
      noble: call(fallback, 'nobleMlDsa'),
    })
    console.log(
      `  fallback (WebCrypto refusing both, backends ${JSON.stringify(fb)}): ${ms(f.console!)} a checkpoint (goal <= 2 ms); ` +
        `noble ML-DSA-65 verify alone ${ms(f.noble!)} (ratio ${(f.console! / f.noble!).toFixed(2)}x)`,
    )
  } finally {
    await browser.close()
    server.close()
  }
  const node = await nodeFallback(note, keys)
  console.log(
    `  Node fallback (WebCrypto Ed25519, noble ML-DSA-65): ${ms(node.checkpoint!)} a checkpoint; noble ML-DSA-65 alone ` +
      `${ms(node.nobleMlDsa!)} (ratio ${(node.checkpoint! / node.nobleMlDsa!).toFixed(2)}x)`,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) await runCheckpointBench()
