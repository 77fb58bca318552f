import type { User } from '@tg/contracts'
import { NButton } from 'naive-ui'
import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import RoleList from '@/shared/ui/RoleList.vue'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { formatDateTime, formatRelative } from '@/shared/ui/format'

export type UserRowActions = {
  onChangeRoles: (user: User) => void
  onToggleStatus: (user: User) => void
  onResetPassword: (user: User) => void
  onUnlockSignIn: (user: User) => void
}

const rowButton = (label: string, user: User, onClick: (user: User) => void) =>
  h(NButton, { size: 'small', 'aria-label': `${label} of ${user.username}`, onClick: () => onClick(user) }, () => label)

export const USER_STATUS_VIEW = {
  active: { label: 'Active', tone: 'success' },
  disabled: { label: 'Disabled', tone: 'warning' },
} as const

/** Columns of the users table; row buttons are named after their user ("Disable alice"). */
export function buildUserColumns(actions: UserRowActions): DataTableColumns<User> {
  const { onChangeRoles, onToggleStatus, onResetPassword, onUnlockSignIn } = actions
  return [
    {
      key: 'user',
      title: 'User',
      // One element per user, the username nested in it: "Olga" with "olga" below.
      render: (user) =>
        h('div', [
          user.displayName,
          h('code', { class: 'username' }, user.username),
          user.sso
            ? h(
                'span',
                { class: 'sso', 'data-testid': 'user-sso', title: `Signs in with ${user.sso.issuer}` },
                'Single sign-on',
              )
            : null,
        ]),
    },
    {
      key: 'roles',
      title: 'Roles',
      // The roles of a single sign-on user follow their groups at the provider, at each sign-in.
      render: (user) =>
        h('div', [
          h(RoleList, { roles: user.roles }),
          user.sso ? h('span', { class: 'roles-source' }, 'Managed by the identity provider\u2019s groups') : null,
        ]),
    },
    {
      key: 'status',
      title: 'Status',
      render: (user) =>
        h('div', { class: 'status-cell' }, [
          h(StatusTag, { value: user.status, ...USER_STATUS_VIEW[user.status] }),
          user.signInBlockedUntil
            ? h(
                'span',
                { class: 'blocked', 'data-testid': 'sign-in-blocked' },
                `Sign-in blocked until ${formatDateTime(user.signInBlockedUntil)}`,
              )
            : null,
        ]),
    },
    { key: 'createdAt', title: 'Created', render: (user) => formatDateTime(user.createdAt) },
    {
      key: 'lastSignInAt',
      title: 'Last sign-in',
      render: (user) => (user.lastSignInAt ? formatRelative(user.lastSignInAt) : 'Never'),
    },
    {
      key: 'actions',
      title: 'Actions',
      render: (user) =>
        h('div', { class: 'row-actions' }, [
          user.sso ? null : rowButton('Change roles', user, onChangeRoles),
          user.sso ? null : rowButton('Reset password', user, onResetPassword),
          rowButton('Unlock sign-in', user, onUnlockSignIn),
          h(
            NButton,
            {
              size: 'small',
              type: user.status === 'active' ? 'error' : 'default',
              secondary: user.status === 'active',
              'aria-label': `${user.status === 'active' ? 'Disable' : 'Enable'} ${user.username}`,
              onClick: () => onToggleStatus(user),
            },
            () => (user.status === 'active' ? 'Disable' : 'Enable'),
          ),
        ]),
    },
  ]
}
