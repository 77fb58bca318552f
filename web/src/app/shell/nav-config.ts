import {
  ExtensionPuzzleOutline,
  GitNetworkOutline,
  HomeOutline,
  PulseOutline,
  ReceiptOutline,
  ShieldCheckmarkOutline,
  StorefrontOutline,
} from '@vicons/ionicons5'

/** The main navigation; which items a user sees follows the roles of each view's route. */
export const NAV_ITEMS = [
  { label: 'Dashboard', to: '/', icon: HomeOutline },
  { label: 'Training', to: '/training', section: '/training/', icon: PulseOutline },
  { label: 'Marketplace', to: '/marketplace', section: '/marketplace/', icon: StorefrontOutline },
  { label: 'FedMoE', to: '/fedmoe', icon: GitNetworkOutline },
  { label: 'Integrations', to: '/integrations', section: '/integrations/', icon: ExtensionPuzzleOutline },
  { label: 'Audit', to: '/audit', section: '/audit/', icon: ReceiptOutline },
  { label: 'Admin', to: '/admin/users', section: '/admin/', icon: ShieldCheckmarkOutline },
]
