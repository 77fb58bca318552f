import { parseArgs, type ParseArgsConfig } from 'node:util'

/** Bad command-line input: tgctl prints the usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** node:util parseArgs, strict, with its errors turned into UsageError. */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}
