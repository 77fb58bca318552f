import { sql } from 'drizzle-orm'
import type { DashboardOverview } from '@tg/contracts'
import type { Db } from '../../db/client'
import { apiKeys, users } from '../../db/schema'
import type { AuditService } from '../audit/service'
import { listApiKeys, listUsers } from '../admin/repo'

export interface DashboardService {
  overview(): Promise<DashboardOverview>
}

const RECENT = 5
const RECENT_SIGN_INS = 10

export function createDashboardService({
  db,
  audit,
}: {
  db: Db
  audit: Pick<AuditService, 'recentSignIns'>
}): DashboardService {
  return {
    async overview() {
      const now = new Date().toISOString()
      const [[userCounts], [keyCounts], recentUsers, recentKeys, recentSignIns] = await Promise.all([
        db
          .select({
            total: sql<number>`count(*)::int`,
            disabled: sql<number>`count(${users.disabledAt})::int`,
          })
          .from(users),
        db
          .select({
            revoked: sql<number>`count(${apiKeys.revokedAt})::int`,
            expired: sql<number>`count(*) filter (where ${apiKeys.revokedAt} is null and ${apiKeys.expiresAt} <= ${now}::timestamptz)::int`,
            total: sql<number>`count(*)::int`,
          })
          .from(apiKeys),
        listUsers(db, { limit: RECENT }),
        listApiKeys(db, { limit: RECENT }),
        audit.recentSignIns(RECENT_SIGN_INS),
      ])
      const totalUsers = userCounts?.total ?? 0
      const disabledUsers = userCounts?.disabled ?? 0
      const revoked = keyCounts?.revoked ?? 0
      const expired = keyCounts?.expired ?? 0
      return {
        users: {
          total: totalUsers,
          active: totalUsers - disabledUsers,
          disabled: disabledUsers,
          recent: recentUsers.items,
        },
        apiKeys: { active: (keyCounts?.total ?? 0) - revoked - expired, revoked, expired, recent: recentKeys.items },
        recentSignIns,
      }
    },
  }
}
