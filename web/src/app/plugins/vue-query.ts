import { VueQueryPlugin } from '@tanstack/vue-query'
import type { App } from 'vue'
import { queryClient } from '../query-client'

export function install(app: App): void {
  app.use(VueQueryPlugin, { queryClient })
}
