import { describe, expect, it } from 'vitest'
import { diffManifests, isSameJson } from './manifest-diff'

const h = (c: string) => c.repeat(64)

const base = {
  tgsp_version: 1,
  model_name: 'vision',
  model_version: '1.0.0',
  compat_base_model_id: ['openvla-7b'],
  build_info: { commit: 'abc', tool: 'tgctl' },
  author_pubkey: { classic: h('a'), pqc: 'x', alg: 'ed25519+ml-dsa-65' },
  content_index: [
    { path: 'weights.bin', sha256: h('1') },
    { path: 'config.json', sha256: h('2') },
    { path: 'README.md', sha256: h('3') },
  ],
}

describe('diffManifests', () => {
  it('finds nothing between a manifest and itself, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse())
    expect(diffManifests(base, reordered)).toEqual({ fields: [], files: [], unchangedFiles: 3 })
  })

  it('names added, removed and changed fields with their values, nested by dotted path', () => {
    const next = {
      ...base,
      model_version: '1.1.0',
      compat_base_model_id: ['openvla-7b', 'pi0'],
      build_info: { commit: 'def', ci: 'gh' },
      description: 'A model card',
    } as Record<string, unknown>
    delete next['tgsp_version']
    expect(diffManifests(base, next).fields).toEqual([
      { path: 'build_info.ci', kind: 'added', after: 'gh' },
      { path: 'build_info.commit', kind: 'changed', before: 'abc', after: 'def' },
      { path: 'build_info.tool', kind: 'removed', before: 'tgctl' },
      { path: 'compat_base_model_id', kind: 'changed', before: ['openvla-7b'], after: ['openvla-7b', 'pi0'] },
      { path: 'description', kind: 'added', after: 'A model card' },
      { path: 'model_version', kind: 'changed', before: '1.0.0', after: '1.1.0' },
      { path: 'tgsp_version', kind: 'removed', before: 1 },
    ])
  })

  it('compares files by path and hash, and leaves the signer key out of the fields', () => {
    const next = {
      ...base,
      author_pubkey: { classic: h('b'), pqc: 'y', alg: 'ed25519+ml-dsa-65' },
      content_index: [
        { path: 'weights.bin', sha256: h('9') },
        { path: 'README.md', sha256: h('3') },
        { path: 'tokenizer.json', sha256: h('4') },
      ],
    }
    expect(diffManifests(base, next)).toEqual({
      fields: [],
      files: [
        { path: 'config.json', kind: 'removed', beforeSha256: h('2'), afterSha256: null },
        { path: 'tokenizer.json', kind: 'added', beforeSha256: null, afterSha256: h('4') },
        { path: 'weights.bin', kind: 'changed', beforeSha256: h('1'), afterSha256: h('9') },
      ],
      unchangedFiles: 1,
    })
  })

  it('a field that turns from an object into a value is one change', () => {
    expect(diffManifests({ privacy: { epsilon: 3 } }, { privacy: 'none' }).fields).toEqual([
      { path: 'privacy', kind: 'changed', before: { epsilon: 3 }, after: 'none' },
    ])
  })
})

describe('isSameJson', () => {
  it('tells arrays in another order and different numbers apart', () => {
    expect(isSameJson([1, 2], [2, 1])).toBe(false)
    expect(isSameJson({ a: 1, b: [1] }, { b: [1], a: 1 })).toBe(true)
    expect(isSameJson({ a: 1 }, { a: 1, b: undefined })).toBe(false)
  })
})
