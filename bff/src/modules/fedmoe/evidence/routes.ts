import {
  createIngestKeyRoute,
  describeEvidenceIssues,
  getEvidenceRoute,
  ingestEvidenceRoute,
  isEvidenceCapIssue,
  listEvidenceRoute,
  listTracesRoute,
} from '@tg/contracts'
import { AppError } from '../../../lib/errors'
import type { GuardOptions } from '../../../lib/guard'
import { validationHook } from '../../../lib/http'
import { createRouter } from '../../../lib/router'
import type { InputHook } from '../../../lib/router'
import { auditContextOf } from '../../audit/record'
import type { EvidenceService } from './service'

/**
 * The body of an ingest: a size cap (too many traces, a trace too large) is 413, any other
 * problem 422, with an unknown field named in its issue's path.
 */
export const evidenceBodyHook: InputHook = (result) => {
  if (result.success || result.target !== 'json') return validationHook(result)
  const issues = result.error.issues
  const caps = issues.filter(isEvidenceCapIssue)
  if (caps.length > 0)
    throw new AppError('PAYLOAD_TOO_LARGE', `The evidence is over a size cap: ${caps[0]!.message}`, {
      issues: describeEvidenceIssues(caps),
    })
  const described = describeEvidenceIssues(issues)
  throw new AppError(
    'VALIDATION_FAILED',
    `The evidence is not valid: ${described[0]?.path || 'body'}: ${described[0]?.message ?? ''}`,
    {
      issues: described,
    },
  )
}

export function createEvidenceRoutes({ evidence, guard }: { evidence: EvidenceService; guard: GuardOptions }) {
  const app = createRouter(guard)

  app.register(
    ingestEvidenceRoute,
    async (c) => {
      const { expertId, versionId } = c.req.valid('param')
      const idempotencyKey = c.req.valid('header')['idempotency-key']
      const receipt = await evidence.ingest(auditContextOf(c), {
        expertId,
        versionId,
        body: c.req.valid('json'),
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
      return receipt.replayed ? c.json(receipt, 200) : c.json(receipt, 201)
    },
    evidenceBodyHook,
  )
  app.register(listEvidenceRoute, async (c) => {
    const { expertId, versionId } = c.req.valid('param')
    return c.json(await evidence.list(expertId, versionId, c.req.valid('query')), 200)
  })
  app.register(getEvidenceRoute, async (c) => c.json(await evidence.get(c.req.valid('param').evidenceId), 200))
  app.register(listTracesRoute, async (c) =>
    c.json(await evidence.traces(c.req.valid('param').evidenceId, c.req.valid('query')), 200),
  )
  app.register(createIngestKeyRoute, async (c) =>
    c.json(await evidence.createIngestKey(auditContextOf(c), c.req.valid('json')), 201),
  )

  return app
}
