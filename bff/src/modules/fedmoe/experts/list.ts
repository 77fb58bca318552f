import { and, desc, ilike, or, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { ExpertFamilyPage, ListExpertsQuery } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertFamilies, expertVersions } from '../../../db/schema'
import { keysetPage, olderThan, timeIdCursor, toMs } from '../paging'
import { summarizeFamilies } from './summaries'

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
const createdMs = toMs(expertFamilies.createdAt)

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
  const after = timeIdCursor(query.cursor)
  if (after) conditions.push(olderThan(createdMs, expertFamilies.id, after))
  const rows = await ex
    .select()
    .from(expertFamilies)
    .where(and(...conditions))
    .orderBy(desc(createdMs), desc(expertFamilies.id))
    .limit(query.limit + 1)
  const page = keysetPage(
    rows,
    query.limit,
    (r) => [r.createdAt, r.id],
    (rs) => rs,
  )
  return { items: await summarizeFamilies(ex, page.items), nextCursor: page.nextCursor }
}
