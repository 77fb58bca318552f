// The gate policy editor's text: the policy as indented JSON, and back through the contract's
// schema, so that the editor names each problem by its field before anything is sent.
import { GatePolicySchema } from '@tg/contracts'
import type { GatePolicy } from '@tg/contracts'

export type PolicyParse = { ok: true; policy: GatePolicy } | { ok: false; problems: string[] }

export function policyText(policy: GatePolicy): string {
  return JSON.stringify(policy, null, 2)
}

export function parsePolicyText(text: string): PolicyParse {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, problems: [`Not JSON: ${(error as Error).message}`] }
  }
  const parsed = GatePolicySchema.safeParse(json)
  if (parsed.success) return { ok: true, policy: parsed.data }
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.')
      return path ? `${path}: ${issue.message}` : issue.message
    }),
  }
}
