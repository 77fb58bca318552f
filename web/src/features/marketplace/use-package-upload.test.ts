import { QueryClient, VueQueryPlugin } from '@tanstack/vue-query'
import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { api } from '@/shared/api'
import type { UploadOptions } from '@/shared/api'
import { marketplaceKeys } from './queries'
import { usePackageUpload } from './use-package-upload'

type Pending = { options: UploadOptions; resolve: (value: unknown) => void; reject: (error: unknown) => void }

/** Replaces the network upload by one the test drives: progress, answer, abort. */
function scriptUploads() {
  const calls: Pending[] = []
  vi.spyOn(api, 'upload').mockImplementation((_route, _body, options = {}) => {
    return new Promise((resolve, reject) => {
      calls.push({ options, resolve, reject })
      options.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
    }) as never
  })
  return calls
}

function mountUpload() {
  const queryClient = new QueryClient()
  const invalidate = vi.spyOn(queryClient, 'invalidateQueries')
  let upload!: ReturnType<typeof usePackageUpload>
  const Host = defineComponent(() => {
    upload = usePackageUpload()
    return () => h('div')
  })
  const wrapper = mount(Host, { global: { plugins: [[VueQueryPlugin, { queryClient }]] } })
  return { upload, invalidate, wrapper }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

afterEach(() => vi.restoreAllMocks())

describe('usePackageUpload', () => {
  it('goes from sending to verifying after the last byte, then to verified, and refreshes the lists', async () => {
    const calls = scriptUploads()
    const { upload, invalidate } = mountUpload()
    void upload.start(new Blob([new Uint8Array(10)]))
    await flush()
    expect(upload.state.value).toEqual({ phase: 'sending', sent: 0, total: 10 })
    calls[0]?.options.onProgress?.({ sent: 4, total: 10 })
    expect(upload.state.value).toEqual({ phase: 'sending', sent: 4, total: 10 })
    calls[0]?.options.onProgress?.({ sent: 10, total: 10 })
    expect(upload.state.value).toEqual({ phase: 'verifying', total: 10 })
    calls[0]?.resolve({ id: 'p1' })
    await flush()
    expect(upload.state.value).toMatchObject({ phase: 'verified', pkg: { id: 'p1' } })
    expect(invalidate).toHaveBeenCalledWith({ queryKey: marketplaceKeys.packages.all })
  })

  it('is cancelled when the person cancels, which aborts the request', async () => {
    const calls = scriptUploads()
    const { upload } = mountUpload()
    void upload.start(new Blob([new Uint8Array(10)]))
    await flush()
    upload.cancel()
    await flush()
    expect(calls[0]?.options.signal?.aborted).toBe(true)
    expect(upload.state.value).toEqual({ phase: 'cancelled' })
  })

  it('aborts a running upload when the page goes away', async () => {
    const calls = scriptUploads()
    const { upload, wrapper } = mountUpload()
    void upload.start(new Blob([new Uint8Array(10)]))
    await flush()
    wrapper.unmount()
    expect(calls[0]?.options.signal?.aborted).toBe(true)
  })
})
