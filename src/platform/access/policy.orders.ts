// The orders module rules of the policy matrix (policy.ts).
import { orgRoles, type Rule } from './policy.roles.ts';

const everyOrgRole = orgRoles;

export const orderRules = {
  // Databrewery workflow (orders module). "Staff" are the organization's owners and admins; finance staff are
  // members an owner gave the finance duty (docs/decisions.md).
  'orders.place': {
    on: 'organization',
    roles: everyOrgRole,
    creates: true,
    summary:
      'place, edit, submit, revise and cancel their own orders; sign their contracts; see their payments',
  },
  'orders.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    summary: 'see every order, approve or reject, attach contracts, start, complete; process ops requests',
  },
  'billing.rates.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    finance: true,
    summary: 'create, change and delete payment rates',
  },
  'billing.manage': {
    on: 'organization',
    roles: ['owner', 'admin'],
    finance: true,
    summary: 'see workspace billing and run the monthly billing job',
  },
  'payments.manage': {
    on: 'organization',
    roles: ['owner'],
    finance: true,
    summary: 'record payments, change their status, see every payment',
  },
  'bank_details.own': {
    on: 'organization',
    roles: everyOrgRole,
    summary: 'set, see (masked, or in full with an audit entry) and delete their own bank details',
  },
  'bank_details.read': {
    on: 'organization',
    roles: ['owner', 'admin'],
    finance: true,
    summary: "see members' bank details masked",
  },
  'bank_details.read_full': {
    on: 'organization',
    roles: [],
    finance: true,
    summary: "read a member's bank details in full (every read audited)",
  },
  'organization.finance.manage': {
    on: 'organization',
    roles: ['owner'],
    summary: 'grant and revoke the finance duty',
  },
  'project.ops.request': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'ask for an ops manager, more annotators or review support',
  },
  'project.client_api.manage': {
    on: 'project',
    roles: ['owner', 'manager'],
    summary: 'set the client API configuration (review period, public data link, status)',
  },
} as const satisfies Record<string, Rule>;
