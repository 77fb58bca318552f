import { PASSWORD_MIN_LENGTH } from '@tg/contracts'

export type SetupProblems = { password?: string; confirm?: string }

/**
 * Every problem the browser can see in a new password before sending it, all at once: a password
 * that is too short and a confirmation that differs are both reported (the server's own policy,
 * such as common passwords, still answers 422 for what it alone can judge).
 */
export function setupProblemsOf(form: { password: string; confirm: string }): SetupProblems {
  const problems: SetupProblems = {}
  if (form.password.length < PASSWORD_MIN_LENGTH)
    problems.password = `Too short: use at least ${PASSWORD_MIN_LENGTH} characters.`
  if (form.password !== form.confirm) problems.confirm = 'The passwords do not match.'
  return problems
}

export const hasSetupProblems = (problems: SetupProblems) => Object.keys(problems).length > 0
