// The input directory of `tgctl tgsp build` as sorted tar entries. Nothing outside the directory
// is read: symbolic links and special files are refused, not followed.
import { lstat, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { compareTarPaths, type TarEntry } from '@tg/contracts/formats/tgsp'

export interface InputEntry extends TarEntry {
  /** Where the file is on disk. */
  source: string
}

/** Every directory and regular file under `root` (not `root` itself, which may be a link), sorted by path. */
export async function collectInputEntries(root: string): Promise<InputEntry[]> {
  const rootStat = await stat(root).catch(() => null)
  if (!rootStat?.isDirectory()) throw new Error(`${root} is not a directory.`)
  const entries: InputEntry[] = []
  const pending = ['']
  while (pending.length > 0) {
    const relative = pending.pop()!
    for (const dirent of await readdir(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`
      const source = join(root, path)
      const stat = await lstat(source)
      if (stat.isSymbolicLink()) {
        throw new Error(`${path} is a symbolic link; TGSP packages carry regular files and directories only.`)
      }
      if (stat.isDirectory()) {
        entries.push({ path, source, type: 'directory', size: 0, executable: true })
        pending.push(path)
      } else if (stat.isFile()) {
        entries.push({ path, source, type: 'file', size: stat.size, executable: (stat.mode & 0o111) !== 0 })
      } else {
        throw new Error(`${path} is not a regular file or directory.`)
      }
    }
  }
  return entries.sort((a, b) => compareTarPaths(a.path, b.path))
}
