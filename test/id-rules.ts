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
  {
    match: /^\/api\/projects\/\{id\}/,
    values: (w) => ({ id: w.projectId, user_id: w.member.id, tag_id: w.tagId }),
  },
  { match: /^\/api\/teams\/\{id\}/, values: (w) => ({ id: w.teamId, user_id: w.member.id }) },
  { match: /^\/api\/workspaces\/\{id\}/, values: (w) => ({ id: w.workspaceId, user_id: w.member.id }) },
  { match: /^\/api\/api-keys\/\{id\}$/, values: (w) => ({ id: w.apiKeyId }) },
  { match: /^\/api\/jobs\/\{id\}$/, values: (w) => ({ id: w.jobId }) },
  { match: /^\/api\/webhooks\/\{id\}/, values: (w) => ({ id: w.webhookId }) },
  {
    match: /^\/api\/tasks\/\{id\}/,
    values: (w) => ({ id: w.taskId, annotation_id: w.annotationId, flag_id: w.flagId }),
  },
  { match: /^\/api\/annotations\/\{id\}/, values: (w) => ({ id: w.annotationId }) },
  { match: /^\/api\/drafts\/\{id\}/, values: (w) => ({ id: w.draftId }) },
  { match: /^\/api\/predictions\/\{id\}/, values: (w) => ({ id: w.predictionId }) },
  { match: /^\/api\/comments\/\{id\}/, values: (w) => ({ id: w.commentId }) },
  { match: /^\/api\/flags\/\{id\}/, values: (w) => ({ id: w.flagId }) },
  { match: /^\/api\/tags\/\{id\}/, values: (w) => ({ id: w.tagId }) },
  { match: /^\/api\/labels\/\{id\}/, values: (w) => ({ id: w.labelId }) },
  { match: /^\/api\/label_links\/\{id\}/, values: (w) => ({ id: w.labelLinkId }) },
  { match: /^\/api\/files\/\{id\}/, values: (w) => ({ id: w.fileId }) },
  { match: /^\/api\/uploads\/\{id\}/, values: (w) => ({ id: w.uploadId }) },
  // Global user administration: B is not an administrator.
  { match: /^\/api\/admin\/users\/\{id\}\//, values: (w) => ({ id: w.owner.id }), status: 403 },
];
