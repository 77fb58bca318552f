import { z } from 'zod'

export const PAGE_LIMIT_MAX = 200

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .default(50)
    .meta({
      param: { name: 'limit', in: 'query' },
      description: `Page size, 1 to ${PAGE_LIMIT_MAX}.`,
    }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ param: { name: 'cursor', in: 'query' }, description: 'Opaque cursor from nextCursor.' }),
})

/** A page of items in a stable order; `nextCursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}

export const TimestampSchema = z.iso.datetime({ offset: true }).meta({ example: '2026-11-23T12:00:00.000Z' })
