import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildOpenApiDocument } from './openapi'
import { ALL_ROUTES } from './routes'

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument()

  it('is OpenAPI 3.1 and the committed copy is current', () => {
    expect(doc.openapi).toBe('3.1.0')
    const committed = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as unknown
    expect(committed).toEqual(JSON.parse(JSON.stringify(doc)))
  })

  it('has every route with its operationId, roles and security', () => {
    for (const route of ALL_ROUTES) {
      const op = doc.paths?.[route.path.replace(/\{(\w+)\}/g, '{$1}')]?.[route.method] as
        Record<string, unknown> | undefined
      expect(op, route.operationId).toBeDefined()
      expect(op?.operationId).toBe(route.operationId)
      expect(op?.['x-roles']).toEqual(route['x-roles'])
      expect(op?.security).toEqual(route['x-roles'] === 'public' ? [] : [{ sessionCookie: [] }, { bearerApiKey: [] }])
    }
  })
})
