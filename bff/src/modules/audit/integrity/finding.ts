import type { AuditIntegrity } from '@tg/contracts'

export type FindingKind = NonNullable<AuditIntegrity['finding']>['kind']
/** What the self-check found: the first bad entry (or tree part) and what is wrong with it. */
export type Finding = { kind: FindingKind; seq: number | null; message: string }

/** One finding is audited once: the same kind at the same seq is the same finding. */
export const findingKeyOf = (finding: Finding) => `${finding.kind}:${finding.seq ?? '-'}`
