import type { MessageApi } from 'naive-ui'
import { inject } from 'vue'
import type { InjectionKey } from 'vue'

/** Short confirmations ("User created") through Naive UI's discrete message API. */
export const NOTICE_KEY: InjectionKey<MessageApi> = Symbol('notice')

export function useNotice(): MessageApi {
  const notice = inject(NOTICE_KEY)
  if (!notice) throw new Error('useNotice needs the naive-ui plugin (app/plugins/naive.ts).')
  return notice
}
