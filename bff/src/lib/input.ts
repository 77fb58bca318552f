import type { Context, MiddlewareHandler } from 'hono'
import { isTypeValid, parse } from 'content-type'
import type { AppRouteConfig, ValidationIssue } from '@tg/contracts'
import type { AppEnv } from './context'
import { AppError } from './errors'

const JSON_TYPE = 'application/json'
const NUL = '\u0000'
const MAX_ISSUES = 20

/**
 * The body's media type must be one the route declares, compared exactly (parameters aside);
 * JSON must be UTF-8 (RFC 8259), so a charset other than utf-8 is refused rather than misread.
 */
function checkContentType(c: Context<AppEnv>, route: AppRouteConfig): void {
  const declared = Object.keys(route.request?.body?.content ?? {})
  if (declared.length === 0) return
  const { type, parameters } = parse(c.req.header('content-type') ?? '')
  if (!isTypeValid(type) || !declared.includes(type))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send the body as ${declared.join(' or ')}.`)
  const charset = parameters.charset?.toLowerCase()
  if (type === JSON_TYPE && charset !== undefined && charset !== 'utf-8')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Send JSON as UTF-8 (charset=utf-8 or no charset), not ${charset}.`)
}

type PathNode = { parent: PathNode | null; key: string } | null
function pathOf(node: PathNode): string {
  const keys: string[] = []
  for (let at = node; at; at = at.parent) keys.unshift(at.key)
  return keys.join('.')
}

/**
 * Every place a NUL character (U+0000) hides in a decoded input: strings and object keys,
 * however deeply nested. Iterative, so a deeply nested body cannot exhaust the stack; paths are
 * linked nodes, spelled out only for an issue.
 */
export function findNul(input: unknown, maxIssues = MAX_ISSUES): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const stack: Array<{ value: unknown; at: PathNode }> = [{ value: input, at: null }]
  while (stack.length > 0 && issues.length < maxIssues) {
    const { value, at } = stack.pop() as { value: unknown; at: PathNode }
    if (typeof value === 'string') {
      if (value.includes(NUL)) issues.push({ path: pathOf(at), message: 'NUL characters (U+0000) are not allowed.' })
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], at: { parent: at, key: String(i) } })
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value)
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string
        const child: PathNode = { parent: at, key }
        if (key.includes(NUL))
          issues.push({ path: pathOf(child), message: 'NUL characters (U+0000) are not allowed in names.' })
        stack.push({ value: (value as Record<string, unknown>)[key], at: child })
      }
    }
  }
  return issues.slice(0, maxIssues)
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The JSON body when its text can hold a NUL (JSON escapes it as \u0000; a raw one is not valid
 * JSON), else undefined: the common case costs one scan of the text, not a walk of the value.
 * Bytes that are not UTF-8 are refused (400) rather than read as U+FFFD replacement characters;
 * malformed JSON is left to the validator (400).
 */
async function jsonBodyWithNul(c: Context<AppEnv>, route: AppRouteConfig): Promise<unknown> {
  if (!route.request?.body?.content?.[JSON_TYPE]) return undefined
  const bytes = await c.req.arrayBuffer()
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    throw new AppError('BAD_REQUEST', 'The JSON body is not valid UTF-8.')
  }
  if (!text.includes('\\u0000') && !text.includes(NUL)) return undefined
  try {
    return await c.req.json<unknown>() // parsed once, from the cached body, and cached for the validator
  } catch (err) {
    if (err instanceof SyntaxError) return undefined
    throw err
  }
}

/**
 * The input check of every route, after the guard and before schema validation: the content
 * type (415), then NUL characters anywhere in path parameters, query or JSON body (422).
 * PostgreSQL cannot store U+0000 in text, so this keeps it from ever reaching SQL.
 */
export function checkInput(route: AppRouteConfig): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    checkContentType(c, route)
    const query = Object.fromEntries(
      Object.entries(c.req.queries()).map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
    )
    const issues = [...findNul(c.req.param()), ...findNul(query), ...findNul(await jsonBodyWithNul(c, route))]
    if (issues.length > 0)
      throw new AppError('VALIDATION_FAILED', 'The request is not valid.', { issues: issues.slice(0, MAX_ISSUES) })
    await next()
  }
}
