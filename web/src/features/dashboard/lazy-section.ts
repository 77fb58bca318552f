import { defineAsyncComponent } from 'vue'
import type { Component } from 'vue'
import DashboardSectionLoadError from './components/DashboardSectionLoadError.vue'
import DashboardSectionSkeleton from './components/DashboardSectionSkeleton.vue'

/**
 * A dashboard section loaded after the page shows: its skeleton at once while its code arrives,
 * a reload prompt if the code cannot be loaded. The section's own QueryState keeps its loading,
 * empty and error states for its data.
 */
export function lazySection(loader: () => Promise<Component | { default: Component }>) {
  return defineAsyncComponent({
    loader,
    loadingComponent: DashboardSectionSkeleton,
    errorComponent: DashboardSectionLoadError,
    delay: 0,
  })
}
