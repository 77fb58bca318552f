import type { ExpertStatus } from '@tg/contracts'

type Tone = 'success' | 'warning' | 'error' | 'info' | 'default'

/** How a version's status reads, and the tone of its badge. */
export const EXPERT_STATUS_VIEW: Record<ExpertStatus, { label: string; tone: Tone }> = {
  adapting: { label: 'Adapting', tone: 'info' },
  validated: { label: 'Validated', tone: 'success' },
  deployed: { label: 'Deployed', tone: 'warning' },
  archived: { label: 'Archived', tone: 'default' },
}

export const EVIDENCE_TYPE_LABELS: Record<string, string> = {
  EVAL_RESULT: 'Eval result',
  SIM_SUCCESS: 'Simulation',
  REAL_WORLD_VLD: 'Real-world validation',
  PEER_REVIEW: 'Peer review',
  VLA_BENCHMARK: 'VLA benchmark',
}
