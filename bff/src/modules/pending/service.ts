import { PENDING_SERVICES } from '@tg/contracts'
import type { ComponentHealth, PendingService } from '@tg/contracts'
import { AppError } from '../../lib/errors'

const REMEDIATION: Record<PendingService, string> = {
  fedmoe:
    'FedMoE expert evaluation is not part of this build. Upgrade the console to a release that includes the FedMoE service.',
}

/**
 * A service whose capability this build does not have. Its API answers 501 NOT_SUPPORTED with
 * a remediation text and its health says so; it invents no data.
 */
export interface PendingModule {
  readonly name: PendingService
  readonly label: string
  health(): ComponentHealth
  refuse(): never
}

export function createPendingModule(name: PendingService): PendingModule {
  const { label } = PENDING_SERVICES[name]
  return {
    name,
    label,
    health: () => ({
      name,
      label,
      kind: 'module',
      status: 'not_supported',
      message: REMEDIATION[name],
      latencyMs: null,
    }),
    refuse() {
      throw new AppError('NOT_SUPPORTED', `${label} is not available in this build.`, {
        remediation: REMEDIATION[name],
      })
    },
  }
}
