import { inject } from 'vue'
import type { InjectionKey } from 'vue'

/** Short confirmations ("User created"), shown by Naive UI's discrete message API. */
export interface Notice {
  success(text: string): void
  error(text: string): void
  warning(text: string): void
  info(text: string): void
}

export const NOTICE_KEY: InjectionKey<Notice> = Symbol('notice')

export function useNotice(): Notice {
  const notice = inject(NOTICE_KEY)
  if (!notice) throw new Error('useNotice needs the naive-ui plugin (app/plugins/naive.ts).')
  return notice
}
