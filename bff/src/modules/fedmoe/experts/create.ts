import type { CreateExpertBody, ExpertFamily } from '@tg/contracts'
import { hasPgCode } from '../../../db/client'
import { expertFamilies } from '../../../db/schema'
import { conflict } from '../../../lib/errors'
import type { AuditContext } from '../../audit/record'
import { FAMILY_RESOURCE, publish } from '../context'
import type { FedmoeDeps } from '../context'
import { toFamily } from '../repo'

export async function createExpert(deps: FedmoeDeps, ctx: AuditContext, body: CreateExpertBody): Promise<ExpertFamily> {
  try {
    return await deps.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(expertFamilies)
        .values({
          name: body.name,
          baseModel: body.baseModel,
          description: body.description,
          createdBy: ctx.actor.name,
        })
        .returning()
      if (!row) throw new Error('insert returned no row')
      await deps.audit.record(tx, ctx, {
        action: 'fedmoe.expert.created',
        resourceType: FAMILY_RESOURCE,
        resourceId: row.id,
        outcome: 'success',
        details: { name: row.name, baseModel: row.baseModel },
      })
      await publish(deps, tx, { type: 'expert', expertId: row.id })
      return toFamily(row)
    })
  } catch (err) {
    if (hasPgCode(err, '23505'))
      throw conflict(`An expert family named ${body.name} exists already.`, { field: 'name' })
    throw err
  }
}
