// The runbooks name exact commands: each `pnpm tgctl` command in a ```sh block must exist in
// `pnpm tgctl --help` with the flags it uses, and each other `pnpm` script in package.json.
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const dir = resolve(root, 'docs/runbooks')
const runbooks = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')

/** The shell lines of every ```sh block of a runbook. */
function shellLines(file: string): string[] {
  const text = readFileSync(resolve(dir, file), 'utf8')
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').filter((l) => l.trim() !== ''))
}

describe('docs/runbooks', () => {
  it('are all linked from the runbook index and from the README', () => {
    const index = readFileSync(resolve(dir, 'README.md'), 'utf8')
    for (const file of runbooks) expect(index, file).toContain(`(${file})`)
    expect(readFileSync(resolve(root, 'README.md'), 'utf8')).toContain('docs/runbooks/')
    expect(runbooks.length).toBeGreaterThanOrEqual(7)
  })

  it(
    'name only tgctl commands and flags that `pnpm tgctl --help` lists, and pnpm scripts that exist',
    { timeout: 60_000 },
    () => {
      const help = spawnSync(process.execPath, ['--import', 'tsx', 'bff/src/cli/tgctl.ts', '--help'], {
        cwd: root,
        encoding: 'utf8',
      })
      expect(help.status).toBe(0)
      const scripts = Object.keys(
        (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: object }).scripts,
      )
      let checked = 0
      for (const file of runbooks)
        for (const line of shellLines(file)) {
          const at = line.indexOf('pnpm ')
          if (at === -1) continue
          const words = line.slice(at).split(/\s+/)
          if (words[1] !== 'tgctl') {
            expect(scripts, `${file}: ${line}`).toContain(words[1])
            continue
          }
          const command = words.slice(2).filter((w, i) => i < 2 && /^[a-z][a-z-]*$/.test(w))
          expect(help.stdout, `${file}: ${line}`).toContain(`pnpm tgctl ${command.join(' ')}`)
          for (const flag of words.filter((w) => /^--[a-z-]+$/.test(w)))
            expect(help.stdout, `${file}: ${flag}`).toContain(flag)
          checked++
        }
      expect(checked).toBeGreaterThanOrEqual(6)
    },
  )
})
