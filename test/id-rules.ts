// Which of a world's ids fill the path parameters of each route family (shared by the isolation and fuzz
// suites).
import type { World } from './tenant-world.ts';

export interface IdRule {
  /** Routes whose path matches. */
  match: RegExp;
  values: (w: World) => Record<string, number | string>;
  /** What B must get; 404 unless the route is global-admin only (403). */
  status?: number;
}

// One rule per resource family; the first match wins.
export const idRules: IdRule[] = [
  {
    match: /^\/api\/organizations\/\{id\}/,
    values: (w) => ({ id: w.orgId, user_id: w.member.id, invitation_id: w.invitationId }),
  },
  { match: /^\/api\/projects\/\{id\}/, values: (w) => ({ id: w.projectId, user_id: w.member.id }) },
  { match: /^\/api\/teams\/\{id\}/, values: (w) => ({ id: w.teamId, user_id: w.member.id }) },
  { match: /^\/api\/workspaces\/\{id\}/, values: (w) => ({ id: w.workspaceId, user_id: w.member.id }) },
  { match: /^\/api\/api-keys\/\{id\}$/, values: (w) => ({ id: w.apiKeyId }) },
  { match: /^\/api\/jobs\/\{id\}$/, values: (w) => ({ id: w.jobId }) },
  { match: /^\/api\/webhooks\/\{id\}/, values: (w) => ({ id: w.webhookId }) },
  { match: /^\/api\/tasks\/\{id\}/, values: (w) => ({ id: w.taskId }) },
  { match: /^\/api\/files\/\{id\}/, values: (w) => ({ id: w.fileId }) },
  { match: /^\/api\/uploads\/\{id\}/, values: (w) => ({ id: w.uploadId }) },
  { match: /^\/api\/flights\/\{id\}/, values: (w) => ({ id: w.flightId }) },
  { match: /^\/api\/data-products\/\{id\}/, values: (w) => ({ id: w.dataProductId }) },
  { match: /^\/api\/vector-layers\/\{id\}/, values: (w) => ({ id: w.vectorLayerId }) },
  {
    match: /^\/api\/users\/me\/styles\/\{data_product_id\}$/,
    values: (w) => ({ data_product_id: w.dataProductId }),
  },
  // Public by token (the isolation suite skips public routes; the fuzz suite needs their parameters).
  { match: /^\/api\/public\/data-products\/\{token\}$/, values: (w) => ({ token: w.publicToken }) },
  { match: /^\/sl\/\{code\}$/, values: (w) => ({ code: w.shortCode }) },
  // Global user administration: B is not an administrator.
  { match: /^\/api\/admin\/users\/\{id\}\//, values: (w) => ({ id: w.owner.id }), status: 403 },
];
