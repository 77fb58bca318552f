import { describe, expect, it } from 'vitest'
import { closure, lazyImportsOf } from '../../bench/web-size'

describe('the web size bench', () => {
  it('counts a route as the entry and its view with every static import, once, and no lazy chunk', () => {
    const manifest = {
      'index.html': { file: 'assets/index-1.js', isEntry: true, imports: ['_vue.js'], dynamicImports: ['Big.vue'] },
      '_vue.js': { file: 'assets/vue-2.js' },
      'Big.vue': { file: 'assets/Big-3.js', imports: ['_vue.js', '_charts.js'] },
      '_charts.js': { file: 'assets/charts-4.js', imports: ['index.html'] },
      'Small.vue': { file: 'assets/Small-5.js', imports: ['_vue.js', 'Small.css'] },
      'Small.css': { file: 'assets/Small-6.css' },
    }
    expect([...closure(manifest, ['index.html', 'Small.vue'])].sort()).toEqual([
      'assets/Small-5.js',
      'assets/index-1.js',
      'assets/vue-2.js',
    ])
    expect(closure(manifest, ['index.html', 'Big.vue']).size).toBe(4)
    expect(() => closure(manifest, ['Missing.vue'])).toThrow(/not in the Vite manifest/)
  })
  it("adds a view's lazily loaded sections from the manifest, and names a view that is not there", () => {
    const manifest = {
      'View.vue': { file: 'assets/View-1.js', dynamicImports: ['A.vue', 'B.vue'] },
      'Plain.vue': { file: 'assets/Plain-2.js' },
    }
    expect(lazyImportsOf(manifest, 'View.vue')).toEqual(['A.vue', 'B.vue'])
    expect(lazyImportsOf(manifest, 'Plain.vue')).toEqual([])
    expect(() => lazyImportsOf(manifest, 'Gone.vue')).toThrow(/Gone.vue is not in the Vite manifest/)
  })
})
