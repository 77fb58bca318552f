import type { App } from 'vue'
import { queryClient } from '../query-client'
import { createAppRouter } from '../router'

export function install(app: App): void {
  app.use(createAppRouter(queryClient))
}
