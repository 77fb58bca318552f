/**
 * `pnpm scan` (targets part): the requests the scanners attack, built from the server's own
 * OpenAPI document: every documented operation with its path ids filled from the seeded data,
 * its query parameters and a JSON body made from its schema.
 */
import { randomUUID } from 'node:crypto'

type Schema = {
  $ref?: string
  type?: string | string[]
  format?: string
  enum?: unknown[]
  const?: unknown
  minimum?: number
  minLength?: number
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  default?: unknown
  example?: unknown
}
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema }
type Operation = {
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  'x-roles'?: string[] | 'public'
  responses?: Record<string, unknown>
}
export type OpenApi = {
  paths: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema> }
}

export type Target = {
  method: string
  /** The documented path, for reports and the allow list. */
  path: string
  /** The request URL with path ids and query parameters filled in. */
  url: string
  /** A JSON body made from the schema, or undefined. */
  body?: string
  isPublic: boolean
}

function sample(schema: Schema | undefined, doc: OpenApi, depth = 0): unknown {
  if (!schema || depth > 6) return 'x'
  if (schema.$ref) return sample(doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''], doc, depth + 1)
  if (schema.example !== undefined) return schema.example
  if (schema.default !== undefined) return schema.default
  if (schema.const !== undefined) return schema.const
  if (schema.enum?.length) return schema.enum[0]
  const variant = schema.allOf?.[0] ?? schema.anyOf?.[0] ?? schema.oneOf?.[0]
  if (variant) return sample(variant, doc, depth + 1)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1)
    case 'boolean':
      return false
    case 'array':
      return [sample(schema.items, doc, depth + 1)]
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [name, prop] of Object.entries(schema.properties ?? {})) out[name] = sample(prop, doc, depth + 1)
      return out
    }
    default:
      if (schema.format === 'uuid') return randomUUID()
      if (schema.format === 'date-time') return new Date().toISOString()
      if (schema.format === 'uri') return 'https://example.com/hook'
      return 'scan'.padEnd(Math.max(schema.minLength ?? 4, 4), 'x')
  }
}

/** Every documented operation as a request with real ids where the seed created them. */
export function buildTargets(doc: OpenApi, base: string, ids: Record<string, string>, skip: RegExp[]): Target[] {
  const targets: Target[] = []
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const upper = method.toUpperCase()
      if (skip.some((re) => re.test(`${upper} ${path}`))) continue
      let filled = path
      const query = new URLSearchParams()
      for (const param of op.parameters ?? []) {
        const value =
          param.in === 'path' ? (ids[param.name] ?? String(sample(param.schema, doc))) : sample(param.schema, doc)
        if (param.in === 'path') filled = filled.replace(`{${param.name}}`, encodeURIComponent(String(value)))
        else if (param.in === 'query') query.set(param.name, String(value))
      }
      const json = op.requestBody?.content?.['application/json']?.schema
      const qs = query.toString()
      targets.push({
        method: upper,
        path,
        url: `${base}${filled}${qs ? `?${qs}` : ''}`,
        body: json ? JSON.stringify(sample(json, doc)) : undefined,
        isPublic: op['x-roles'] === 'public',
      })
    }
  }
  return targets
}
