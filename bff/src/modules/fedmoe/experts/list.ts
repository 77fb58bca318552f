import { and, desc, ilike, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { ExpertFamilyPage, ListExpertsQuery } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertFamilies, expertVersions } from '../../../db/schema'
import { cursorAt, olderThan, toPage } from '../../../lib/pagination'
import { summarizeFamilies } from './summaries'

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)

export async function listExperts(ex: Executor, query: ListExpertsQuery): Promise<ExpertFamilyPage> {
  const conditions: SQL[] = []
  if (query.q) {
    const like = `%${escapeLike(query.q)}%`
    conditions.push(or(ilike(expertFamilies.name, like), ilike(expertFamilies.description, like))!)
  }
  if (query.baseModel) conditions.push(sql`lower(${expertFamilies.baseModel}) = lower(${query.baseModel})`)
  if (query.status)
    conditions.push(
      sql`exists (select 1 from ${expertVersions} where ${expertVersions.expertId} = ${expertFamilies.id} and ${expertVersions.status} = ${query.status})`,
    )
  const after = olderThan(query.cursor, expertFamilies.createdAt, expertFamilies.id)
  if (after) conditions.push(after)
  const rows = await ex
    .select({ family: expertFamilies, cursorAt: cursorAt(expertFamilies.createdAt), id: expertFamilies.id })
    .from(expertFamilies)
    .where(and(...conditions))
    .orderBy(desc(expertFamilies.createdAt), desc(expertFamilies.id))
    .limit(query.limit + 1)
  const page = toPage(rows, query.limit, (r) => r.family)
  return { items: await summarizeFamilies(ex, page.items), nextCursor: page.nextCursor }
}
