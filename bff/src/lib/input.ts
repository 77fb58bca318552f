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

/**
 * Every place a NUL character (U+0000) hides in a decoded input: strings and object keys,
 * however deeply nested. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function findNul(input: unknown, maxIssues = MAX_ISSUES): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: input, path: [] }]
  while (stack.length > 0 && issues.length < maxIssues) {
    const { value, path } = stack.pop() as { value: unknown; path: string[] }
    if (typeof value === 'string') {
      if (value.includes(NUL))
        issues.push({ path: path.join('.'), message: 'NUL characters (U+0000) are not allowed.' })
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, String(i)] })
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value).reverse()) {
        const childPath = [...path, key]
        if (key.includes(NUL))
          issues.push({ path: childPath.join('.'), message: 'NUL characters (U+0000) are not allowed in names.' })
        stack.push({ value: child, path: childPath })
      }
    }
  }
  return issues.slice(0, maxIssues)
}

/** The JSON body, or undefined when it is not JSON (the validator then answers 400). */
async function jsonBodyOf(c: Context<AppEnv>, route: AppRouteConfig): Promise<unknown> {
  if (!route.request?.body?.content?.[JSON_TYPE]) return undefined
  try {
    return await c.req.json<unknown>()
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
    const issues = [...findNul(c.req.param()), ...findNul(query), ...findNul(await jsonBodyOf(c, route))]
    if (issues.length > 0)
      throw new AppError('VALIDATION_FAILED', 'The request is not valid.', { issues: issues.slice(0, MAX_ISSUES) })
    await next()
  }
}
