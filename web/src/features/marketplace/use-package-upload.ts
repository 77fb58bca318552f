import { onScopeDispose, ref } from 'vue'
import { useUploadPackageMutation } from './queries'
import { stateOfFailure, stateOfProgress } from './upload-state'
import type { UploadState } from './upload-state'

/**
 * One package upload at a time: its progress, the server's verdict, and cancellation (which
 * aborts the request). Leaving the page cancels an upload still running.
 */
export function usePackageUpload() {
  const mutation = useUploadPackageMutation()
  const state = ref<UploadState>({ phase: 'idle' })
  let controller: AbortController | null = null

  async function start(file: Blob) {
    controller?.abort()
    const current = new AbortController()
    controller = current
    const isCurrent = () => controller === current
    state.value = { phase: 'sending', sent: 0, total: file.size }
    try {
      const pkg = await mutation.mutateAsync({
        file,
        signal: current.signal,
        onProgress: (progress) => {
          if (isCurrent()) state.value = stateOfProgress(progress)
        },
      })
      if (isCurrent()) state.value = { phase: 'verified', pkg }
    } catch (error) {
      if (isCurrent()) state.value = stateOfFailure(error)
    } finally {
      if (isCurrent()) controller = null
    }
  }

  /** Aborts the running upload; its state becomes `cancelled`. */
  const cancel = () => controller?.abort()

  /** Back to picking a file; an upload still running is aborted and forgotten. */
  function reset() {
    const running = controller
    controller = null
    running?.abort()
    state.value = { phase: 'idle' }
  }

  onScopeDispose(reset)
  return { state, start, cancel, reset }
}
