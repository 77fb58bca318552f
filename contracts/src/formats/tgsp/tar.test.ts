import { describe, expect, it } from 'vitest'
import { concatBytes, utf8 } from './bytes'
import {
  TAR_BLOCK,
  TarEntryError,
  TarReader,
  buildTar,
  tarEntriesFor,
  tarHeader,
  tarLength,
  unsafePathReason,
  type TarReadEntry,
} from './tar'

function readAll(bytes: Uint8Array, step = bytes.length) {
  const entries: (TarReadEntry & { data: string })[] = []
  let parts: Uint8Array[] = []
  const reader = new TarReader({
    onEntry: () => {
      parts = []
    },
    onData: (data) => parts.push(data.slice()),
    onEntryEnd: (entry) => entries.push({ ...entry, data: new TextDecoder().decode(concatBytes(...parts)) }),
  })
  for (let i = 0; i < bytes.length; i += step) reader.push(bytes.subarray(i, i + step))
  reader.finish()
  return entries
}

/** A raw USTAR header with any type flag and path, for hostile archives. */
function hostileHeader(path: string, type: string, size = 0, link = ''): Uint8Array {
  const block = tarHeader({ path: 'placeholder', type: 'file', size, executable: false })
  block.fill(0, 0, 100)
  block.set(utf8(path).subarray(0, 100), 0)
  block[156] = type.charCodeAt(0)
  block.set(utf8(link), 157)
  block.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.set(utf8(sum.toString(8).padStart(6, '0') + '\0 '), 148)
  return block
}

const END = new Uint8Array(2 * TAR_BLOCK)

describe('deterministic USTAR', () => {
  const files = [
    { path: 'b/run.sh', data: utf8('#!/bin/sh\n'), executable: true },
    { path: 'a.txt', data: utf8('alpha') },
    { path: `${'deep/'.repeat(30)}file.bin`, data: new Uint8Array(513) },
  ]

  it('writes sorted entries with their directories, mtime 0, uid/gid 0, modes 644/755', () => {
    const tar = buildTar(files)
    expect(tar.length % TAR_BLOCK).toBe(0)
    expect(tar.length).toBe(tarLength(tarEntriesFor(files.map((f) => ({ ...f, size: f.data.length })))))
    const entries = readAll(tar, 100)
    expect(entries.map((e) => [e.path, e.type, e.executable])).toEqual([
      ['a.txt', 'file', false],
      ['b', 'directory', true],
      ['b/run.sh', 'file', true],
      ...Array.from({ length: 30 }, (_, i) => ['deep/'.repeat(i + 1).slice(0, -1), 'directory', true]),
      [`${'deep/'.repeat(30)}file.bin`, 'file', false],
    ])
    expect(entries[0]?.data).toBe('alpha')
    const header = tar.subarray(0, TAR_BLOCK)
    const text = (from: number, to: number) => new TextDecoder().decode(header.subarray(from, to))
    expect(text(100, 108)).toBe('0000644\0')
    expect(text(108, 124)).toBe('0000000\x000000000\0')
    expect(text(136, 148)).toBe('00000000000\0')
    expect(text(257, 265)).toBe('ustar\x0000')
    expect(buildTar([...files].reverse())).toEqual(tar)
  })

  it('refuses paths that would leave the target or that USTAR cannot hold', () => {
    expect(unsafePathReason('/etc/passwd')).toBe('the path is absolute')
    expect(unsafePathReason('a/../../b')).toBe("the path has a '..' component")
    expect(unsafePathReason('C:/x')).toBe('the path starts with a drive letter')
    expect(unsafePathReason('a\\b')).toBe('the path contains a backslash')
    expect(unsafePathReason('a/./b')).toBeNull()
    expect(() => buildTar([{ path: '../x', data: new Uint8Array(0) }])).toThrow(/'..' component/)
    expect(() => buildTar([{ path: 'x'.repeat(101), data: new Uint8Array(0) }])).toThrow(/too long for a USTAR/)
    expect(() =>
      buildTar([
        { path: 'a', data: new Uint8Array(0) },
        { path: 'a/b', data: new Uint8Array(0) },
      ]),
    ).toThrow(/its parent "a" is a file/)
  })
})

describe('TarReader refusals', () => {
  const file = (path: string, body = 'x') =>
    concatBytes(hostileHeader(path, '0', body.length), utf8(body), new Uint8Array(TAR_BLOCK - body.length))
  const cases: [string, Uint8Array, RegExp][] = [
    ['absolute path', file('/etc/cron.d/evil'), /"\/etc\/cron.d\/evil": the path is absolute/],
    ['.. component', file('models/../../.bashrc'), /"models\/..\/..\/.bashrc": the path has a '..' component/],
    ['symlink', hostileHeader('link', '2', 0, '/etc/passwd'), /"link": it is a symbolic link \(to "\/etc\/passwd"\)/],
    ['hard link', hostileHeader('hard', '1', 0, '../../outside'), /"hard": it is a hard link/],
    ['character device', hostileHeader('tty', '3'), /"tty": it is a character device/],
    ['pax header', hostileHeader('PaxHeader', 'x'), /pax extended header/],
    ['duplicate path', concatBytes(file('a'), file('a')), /"a": the path appears twice/],
    ['file under a file', concatBytes(file('a'), file('a/b')), /"a\/b": its parent "a" is a file/],
    ['the target itself', file('./'), /names the target directory itself/],
  ]
  it.each(cases)('%s', (_name, bytes, reason) => {
    expect(() => readAll(concatBytes(bytes, END))).toThrow(TarEntryError)
    expect(() => readAll(concatBytes(bytes, END))).toThrow(reason)
  })

  it('refuses a bad checksum, a missing end marker and data after the end', () => {
    const good = file('a.txt')
    const corrupt = good.slice()
    corrupt[0] = 0x62
    expect(() => readAll(concatBytes(corrupt, END))).toThrow(/checksum does not match/)
    expect(() => readAll(good)).toThrow(/without its end-of-archive marker/)
    expect(() => readAll(concatBytes(good, END, utf8('junk')))).toThrow(/Data follows the end of the archive/)
    expect(readAll(concatBytes(good, END, new Uint8Array(TAR_BLOCK)))).toHaveLength(1)
  })
})
