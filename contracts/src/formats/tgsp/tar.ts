// Deterministic USTAR: a writer (entries sorted, mtime 0, uid and gid 0, modes 644 or 755) and a
// streaming reader that refuses anything but regular files and directories with safe relative
// paths. Pure: the caller feeds bytes in and writes files out.
import { formatCount, utf8 } from './bytes'

export const TAR_BLOCK = 512
/** Two zero blocks end an archive. */
export const TAR_END_LENGTH = 2 * TAR_BLOCK
/** The largest entry USTAR's 11 octal digits can describe: 8 GiB - 1. */
export const TAR_MAX_ENTRY_SIZE = 8 ** 11 - 1

export type TarEntryType = 'file' | 'directory'

export interface TarEntry {
  /** Relative path with '/' separators, no trailing slash. */
  path: string
  type: TarEntryType
  size: number
  executable: boolean
}

/** An archive entry this reader refuses, or a malformed archive; `entry` names the entry. */
export class TarEntryError extends Error {
  override name = 'TarEntryError'
  readonly entry: string | null

  constructor(entry: string | null, message: string) {
    super(entry === null ? message : `Refused entry ${JSON.stringify(entry)}: ${message}`)
    this.entry = entry
  }
}

/** Orders paths by their UTF-8 bytes (code point order), the order the writer uses. */
export function compareTarPaths(a: string, b: string): number {
  const x = utf8(a)
  const y = utf8(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

/** The reason `path` is not a safe relative entry path, or null when it is. */
export function unsafePathReason(path: string): string | null {
  if (path === '') return 'the path is empty'
  if (path.includes('\0')) return 'the path contains a NUL character'
  if (path.startsWith('/')) return 'the path is absolute'
  if (/^[A-Za-z]:/.test(path)) return 'the path starts with a drive letter'
  if (path.includes('\\')) return 'the path contains a backslash'
  if (path.split('/').includes('..')) return "the path has a '..' component"
  return null
}

/** Removes '.' and empty components and the trailing slash: `./a//b/` → `a/b`. */
export function normalizeTarPath(path: string): string {
  return path
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/')
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0'
}

function writeText(block: Uint8Array, offset: number, width: number, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? utf8(text) : text
  if (bytes.length > width) throw new RangeError(`tar field of ${width} bytes cannot hold ${bytes.length}`)
  block.set(bytes, offset)
}

/** Splits a UTF-8 path into USTAR prefix (≤ 155 bytes) and name (≤ 100 bytes) at a '/'. */
function splitPath(path: string): { prefix: Uint8Array; name: Uint8Array } {
  const bytes = utf8(path)
  if (bytes.length <= 100) return { prefix: new Uint8Array(0), name: bytes }
  for (let i = Math.min(bytes.length - 2, 155); i > 0; i--) {
    if (bytes[i] !== 0x2f) continue
    const name = bytes.subarray(i + 1)
    if (name.length <= 100 && name.length > 0) return { prefix: bytes.subarray(0, i), name }
  }
  throw new RangeError(`The path ${JSON.stringify(path)} is too long for a USTAR archive.`)
}

/** The 512-byte USTAR header of `entry`. */
export function tarHeader(entry: TarEntry): Uint8Array {
  const reason = unsafePathReason(entry.path)
  if (reason) throw new TarEntryError(entry.path, reason)
  if (entry.size > TAR_MAX_ENTRY_SIZE) {
    throw new TarEntryError(entry.path, `${formatCount(entry.size)} bytes is over the USTAR limit of 8 GiB - 1`)
  }
  const isDirectory = entry.type === 'directory'
  const { prefix, name } = splitPath(isDirectory ? `${entry.path}/` : entry.path)
  const block = new Uint8Array(TAR_BLOCK)
  writeText(block, 0, 100, name)
  writeText(block, 100, 8, octal(isDirectory || entry.executable ? 0o755 : 0o644, 8))
  writeText(block, 108, 8, octal(0, 8))
  writeText(block, 116, 8, octal(0, 8))
  writeText(block, 124, 12, octal(isDirectory ? 0 : entry.size, 12))
  writeText(block, 136, 12, octal(0, 12))
  writeText(block, 148, 8, '        ')
  writeText(block, 156, 1, isDirectory ? '5' : '0')
  writeText(block, 257, 6, 'ustar\0')
  writeText(block, 263, 2, '00')
  writeText(block, 329, 8, octal(0, 8))
  writeText(block, 337, 8, octal(0, 8))
  writeText(block, 345, 155, prefix)
  let sum = 0
  for (const byte of block) sum += byte
  writeText(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  return block
}

/** Zero bytes after an entry's data up to the next block. */
export function tarPaddingLength(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK
}

/** Total archive length for `entries`, end marker included. */
export function tarLength(entries: readonly TarEntry[]): number {
  let total = TAR_END_LENGTH
  for (const entry of entries) {
    const size = entry.type === 'file' ? entry.size : 0
    total += TAR_BLOCK + size + tarPaddingLength(size)
  }
  return total
}

/** Sorted entries for files at `paths`, with every parent directory as its own entry. */
export function tarEntriesFor(files: readonly { path: string; size: number; executable?: boolean }[]): TarEntry[] {
  const entries = new Map<string, TarEntry>()
  for (const file of files) {
    const path = normalizeTarPath(file.path)
    const reason = unsafePathReason(file.path) ?? (path === '' ? 'the path is empty' : null)
    if (reason) throw new TarEntryError(file.path, reason)
    if (entries.has(path)) throw new TarEntryError(file.path, 'the path appears twice')
    entries.set(path, { path, type: 'file', size: file.size, executable: file.executable ?? false })
  }
  for (const path of [...entries.keys()]) {
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/')
      const existing = entries.get(dir)
      if (existing?.type === 'file') throw new TarEntryError(path, `its parent ${JSON.stringify(dir)} is a file`)
      entries.set(dir, { path: dir, type: 'directory', size: 0, executable: true })
    }
  }
  return [...entries.values()].sort((a, b) => compareTarPaths(a.path, b.path))
}

/** An in-memory archive of small files (tests, the in-memory builder). */
export function buildTar(files: readonly { path: string; data: Uint8Array; executable?: boolean }[]): Uint8Array {
  const byPath = new Map(files.map((f) => [normalizeTarPath(f.path), f.data]))
  const entries = tarEntriesFor(files.map((f) => ({ path: f.path, size: f.data.length, executable: f.executable })))
  const out = new Uint8Array(tarLength(entries))
  let offset = 0
  for (const entry of entries) {
    out.set(tarHeader(entry), offset)
    offset += TAR_BLOCK
    if (entry.type !== 'file') continue
    out.set(byPath.get(entry.path)!, offset)
    offset += entry.size + tarPaddingLength(entry.size)
  }
  return out
}

export interface TarReadEntry {
  path: string
  type: TarEntryType
  size: number
  executable: boolean
}

export interface TarReaderHandlers {
  onEntry(entry: TarReadEntry): void
  /** A view of the entry's data: copy it to keep it. */
  onData(bytes: Uint8Array): void
  onEntryEnd(entry: TarReadEntry): void
}

const decoder = new TextDecoder('utf-8', { fatal: true })

function field(block: Uint8Array, offset: number, width: number): Uint8Array {
  const bytes = block.subarray(offset, offset + width)
  const end = bytes.indexOf(0)
  return end === -1 ? bytes : bytes.subarray(0, end)
}

function textField(block: Uint8Array, offset: number, width: number, entry: string | null, what: string): string {
  try {
    return decoder.decode(field(block, offset, width))
  } catch {
    throw new TarEntryError(entry, `the ${what} is not valid UTF-8`)
  }
}

function octalField(block: Uint8Array, offset: number, width: number, entry: string, what: string): number {
  const raw = block.subarray(offset, offset + width)
  if ((raw[0]! & 0x80) !== 0) throw new TarEntryError(entry, `the ${what} uses base-256, which USTAR does not`)
  const text = String.fromCharCode(...field(block, offset, width)).trim()
  if (!/^[0-7]*$/.test(text)) throw new TarEntryError(entry, `the ${what} field is not octal`)
  return text === '' ? 0 : parseInt(text, 8)
}

function describeType(flag: number): string {
  const names: Record<string, string> = {
    '1': 'a hard link',
    '2': 'a symbolic link',
    '3': 'a character device',
    '4': 'a block device',
    '6': 'a FIFO',
    '7': 'a contiguous file',
    x: 'a pax extended header',
    g: 'a pax global header',
    L: 'a GNU long name',
    K: 'a GNU long link name',
  }
  const char = String.fromCharCode(flag)
  return names[char] ?? `an entry of type ${JSON.stringify(char)}`
}

/** Streams a USTAR archive; refuses links, devices, unsafe paths, duplicates and malformed headers. */
export class TarReader {
  readonly #handlers: TarReaderHandlers
  readonly #block = new Uint8Array(TAR_BLOCK)
  #blockFill = 0
  #entry: TarReadEntry | null = null
  #dataRemaining = 0
  #paddingRemaining = 0
  #zeroBlocks = 0
  #ended = false
  readonly #seen = new Map<string, TarEntryType>()

  constructor(handlers: TarReaderHandlers) {
    this.#handlers = handlers
  }

  push(bytes: Uint8Array): void {
    let offset = 0
    while (offset < bytes.length) {
      if (this.#ended) {
        const rest = bytes.subarray(offset)
        if (rest.some((b) => b !== 0)) throw new TarEntryError(null, 'Data follows the end of the archive.')
        return
      }
      if (this.#dataRemaining > 0) {
        const take = Math.min(this.#dataRemaining, bytes.length - offset)
        this.#handlers.onData(bytes.subarray(offset, offset + take))
        this.#dataRemaining -= take
        offset += take
        if (this.#dataRemaining === 0) this.#endEntry()
        continue
      }
      if (this.#paddingRemaining > 0) {
        const take = Math.min(this.#paddingRemaining, bytes.length - offset)
        this.#paddingRemaining -= take
        offset += take
        continue
      }
      const take = Math.min(TAR_BLOCK - this.#blockFill, bytes.length - offset)
      this.#block.set(bytes.subarray(offset, offset + take), this.#blockFill)
      this.#blockFill += take
      offset += take
      if (this.#blockFill === TAR_BLOCK) {
        this.#blockFill = 0
        this.#readHeader()
      }
    }
  }

  finish(): void {
    if (this.#ended) return
    if (this.#entry) {
      throw new TarEntryError(this.#entry.path, `the archive ends ${formatCount(this.#dataRemaining)} bytes into it`)
    }
    throw new TarEntryError(null, 'The archive ends without its end-of-archive marker.')
  }

  #readHeader(): void {
    const block = this.#block
    if (block.every((b) => b === 0)) {
      this.#zeroBlocks += 1
      if (this.#zeroBlocks === 2) this.#ended = true
      return
    }
    if (this.#zeroBlocks > 0) throw new TarEntryError(null, 'A zero block stands between two entries.')
    const name = textField(block, 0, 100, null, 'entry name')
    const magic = String.fromCharCode(...block.subarray(257, 263))
    if (magic !== 'ustar\0' && magic !== 'ustar ') {
      throw new TarEntryError(name, 'the header is not a USTAR header')
    }
    const prefix = textField(block, 345, 155, name, 'path prefix')
    const rawPath = prefix === '' ? name : `${prefix}/${name}`
    this.#checkChecksum(rawPath)
    const flag = block[156]!
    const isFile = flag === 0x30 || flag === 0
    const isDirectory = flag === 0x35
    if (!isFile && !isDirectory) {
      const link = textField(block, 157, 100, rawPath, 'link name')
      const target = link === '' ? '' : ` (to ${JSON.stringify(link)})`
      throw new TarEntryError(
        rawPath,
        `it is ${describeType(flag)}${target}; only regular files and directories are extracted`,
      )
    }
    const unsafe = unsafePathReason(rawPath)
    if (unsafe) throw new TarEntryError(rawPath, unsafe)
    const path = normalizeTarPath(rawPath)
    if (path === '') throw new TarEntryError(rawPath, 'the path names the target directory itself')
    this.#checkPlace(rawPath, path, isDirectory ? 'directory' : 'file')
    const mode = octalField(block, 100, 8, rawPath, 'mode')
    const size = isDirectory ? 0 : octalField(block, 124, 12, rawPath, 'size')
    const entry: TarReadEntry = {
      path,
      type: isDirectory ? 'directory' : 'file',
      size,
      executable: (mode & 0o111) !== 0,
    }
    this.#entry = entry
    this.#handlers.onEntry(entry)
    this.#dataRemaining = size
    this.#paddingRemaining = tarPaddingLength(size)
    if (size === 0) this.#endEntry()
  }

  #checkChecksum(path: string): void {
    const stored = String.fromCharCode(...field(this.#block, 148, 8)).trim()
    let unsigned = 0
    let signed = 0
    for (let i = 0; i < TAR_BLOCK; i++) {
      const byte = i >= 148 && i < 156 ? 0x20 : this.#block[i]!
      unsigned += byte
      signed += byte > 127 ? byte - 256 : byte
    }
    const value = /^[0-7]+$/.test(stored) ? parseInt(stored, 8) : NaN
    if (value !== unsigned && value !== signed) throw new TarEntryError(path, 'the header checksum does not match')
  }

  #checkPlace(rawPath: string, path: string, type: TarEntryType): void {
    const existing = this.#seen.get(path)
    if (existing !== undefined && !(existing === 'directory' && type === 'directory')) {
      throw new TarEntryError(rawPath, 'the path appears twice in the archive')
    }
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/')
      if (this.#seen.get(parent) === 'file')
        throw new TarEntryError(rawPath, `its parent ${JSON.stringify(parent)} is a file`)
    }
    this.#seen.set(path, type)
  }

  #endEntry(): void {
    const entry = this.#entry!
    this.#entry = null
    this.#handlers.onEntryEnd(entry)
  }
}
