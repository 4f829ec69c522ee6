// Which of a world's ids fill the path parameters of each route family (shared by the isolation and fuzz
// suites).
import type { World } from './tenant-world.ts';

export interface IdRule {
  /** Routes whose path matches. */
  match: RegExp;
  values: (w: World) => Record<string, number | string>;
  /** What B must get; 404 unless the route is global-admin only (403). */
  status?: number;
  /**
   * What B may get in B's own organization when the path names none of A's ids (only a kind, such as a
   * storage provider): B's own, empty answer. A's organization in the header still answers 404.
   */
  own?: number[];
}

// One rule per resource family; the first match wins.
export const idRules: IdRule[] = [
  {
    match: /^\/api\/organizations\/\{id\}/,
    values: (w) => ({ id: w.orgId, user_id: w.member.id, invitation_id: w.invitationId }),
  },
  {
    match: /^\/api\/projects\/\{id\}\/project-tags/,
    values: (w) => ({ id: w.projectId, tag_id: w.tagId }),
  },
  {
    match: /^\/api\/projects\/\{id\}/,
    values: (w) => ({
      id: w.projectId,
      user_id: w.member.id,
      team_id: w.teamId,
      detector_id: w.detectorId,
      tag_id: w.photoTagId,
      import_id: w.importId,
      export_id: w.exportId,
    }),
  },
  {
    match: /^\/api\/teams\/\{id\}/,
    values: (w) => ({ id: w.teamId, user_id: w.member.id, tag_id: w.tagId }),
  },
  {
    match: /^\/api\/project-groups\/\{id\}/,
    values: (w) => ({ id: w.projectGroupId, project_id: w.projectId }),
  },
  { match: /^\/api\/workspaces\/\{id\}/, values: (w) => ({ id: w.workspaceId, user_id: w.member.id }) },
  { match: /^\/api\/api-keys\/\{id\}$/, values: (w) => ({ id: w.apiKeyId }) },
  { match: /^\/api\/jobs\/\{id\}$/, values: (w) => ({ id: w.jobId }) },
  { match: /^\/api\/webhooks\/\{id\}/, values: (w) => ({ id: w.webhookId }) },
  { match: /^\/api\/storages(\/export)?\/\{type\}$/, values: () => ({ type: 's3' }), own: [200, 404] },
  { match: /^\/api\/storages\/export\/\{type\}/, values: (w) => ({ type: 's3', id: w.storageId }) },
  { match: /^\/api\/storages\/\{type\}/, values: (w) => ({ type: 's3', id: w.storageId }) },
  {
    match: /^\/api\/tasks\/\{id\}/,
    values: (w) => ({ id: w.taskId, annotation_id: w.annotationId, flag_id: w.flagId }),
  },
  { match: /^\/api\/annotations\/\{id\}/, values: (w) => ({ id: w.annotationId }) },
  { match: /^\/api\/drafts\/\{id\}/, values: (w) => ({ id: w.draftId }) },
  { match: /^\/api\/predictions\/\{id\}/, values: (w) => ({ id: w.predictionId }) },
  { match: /^\/api\/comments\/\{id\}/, values: (w) => ({ id: w.commentId }) },
  { match: /^\/api\/dm\/views\/\{id\}/, values: (w) => ({ id: w.viewId }) },
  { match: /^\/api\/flags\/\{id\}/, values: (w) => ({ id: w.flagId }) },
  { match: /^\/api\/tags\/\{id\}/, values: (w) => ({ id: w.tagId }) },
  { match: /^\/api\/labels\/\{id\}/, values: (w) => ({ id: w.labelId }) },
  { match: /^\/api\/label_links\/\{id\}/, values: (w) => ({ id: w.labelLinkId }) },
  { match: /^\/api\/files\/\{id\}/, values: (w) => ({ id: w.fileId }) },
  { match: /^\/api\/uploads\/\{id\}/, values: (w) => ({ id: w.uploadId }) },
  { match: /^\/api\/photos\/\{id\}/, values: (w) => ({ id: w.photoId, tag_id: w.photoTagId }) },
  { match: /^\/api\/detections\/\{id\}/, values: (w) => ({ id: w.detectionId }) },
  { match: /^\/api\/ml\/\{id\}/, values: (w) => ({ id: w.mlBackendId, job_id: w.predictionJobId }) },
  { match: /^\/api\/model-provider-connections\/\{id\}$/, values: (w) => ({ id: w.connectionId }) },
  {
    match: /^\/api\/model-interfaces\/\{id\}/,
    values: (w) => ({ id: w.modelInterfaceId, version_id: w.modelVersionId }),
  },
  { match: /^\/api\/model-runs\/\{id\}$/, values: (w) => ({ id: w.modelRunId }) },
  { match: /^\/api\/share-links\/\{id\}$/, values: (w) => ({ id: w.shareLinkId }) },
  // Public, by token only (the fuzz suite fills these; the isolation suite skips public routes).
  {
    match: /^\/api\/shared\/photos\/\{token\}/,
    values: (w) => ({ token: w.shareToken, photo_id: w.photoId }),
  },
  {
    match: /^\/api\/rooms\/\{id\}/,
    values: (w) => ({
      id: w.roomId,
      user_id: w.member.id,
      file_id: w.fileId,
      message_id: w.messageId,
      panel_id: w.panelId,
    }),
  },
  // Public: a token that names no room (the real one is shown only to the room's creator).
  {
    match: /^\/api\/shared\/rooms\/\{room_token\}$/,
    values: () => ({ room_token: 'n0t-a-r00m-t0ken-at-all-xx' }),
  },
  { match: /^\/api\/licenses\/\{id\}/, values: (w) => ({ id: w.licenseId, user_id: w.owner.id }) },
  // The extension is the catalogue's (product-wide); the team or user is A's.
  {
    match: /^\/api\/extensions\/\{id\}/,
    values: (w) => ({ id: 1, team_id: w.teamId, user_id: w.member.id }),
  },
  { match: /^\/api\/breedbase-connections\/\{id\}$/, values: (w) => ({ id: w.breedbaseId }) },
  { match: /^\/api\/flights\/\{id\}/, values: (w) => ({ id: w.flightId }) },
  { match: /^\/api\/raw-data\/\{id\}/, values: (w) => ({ id: w.rawDataId }) },
  // Public by run token (shown once to the run's starter): one that names no run.
  {
    match: /^\/api\/processing\/\{token\}\//,
    values: () => ({ token: 'n0t-a-processing-run-t0ken-xxxxxxxxxxxxxxx' }),
  },
  {
    match: /^\/api\/data-products\/\{id\}/,
    values: (w) => ({ id: w.dataProductId, z: 0, x: 0, y: 0 }),
  },
  { match: /^\/api\/vector-layers\/\{id\}/, values: (w) => ({ id: w.vectorLayerId, z: 0, x: 0, y: 0 }) },
  {
    match: /^\/api\/users\/me\/styles\/\{data_product_id\}$/,
    values: (w) => ({ data_product_id: w.dataProductId }),
  },
  // Public by token (the isolation suite skips public routes; the fuzz suite needs their parameters).
  {
    match: /^\/api\/public\/data-products\/\{token\}/,
    values: (w) => ({ token: w.publicToken, z: 0, x: 0, y: 0 }),
  },
  {
    match: /^\/api\/stac\/collections\/\{project_id\}/,
    values: (w) => ({ project_id: w.projectId, item_id: w.dataProductId }),
  },
  { match: /^\/sl\/\{code\}$/, values: (w) => ({ code: w.shortCode }) },
  // Geodata indoor projects, their data files, upload sessions.
  { match: /^\/api\/indoor-projects\/\{id\}/, values: (w) => ({ id: w.indoorProjectId }) },
  { match: /^\/api\/indoor-data\/\{id\}/, values: (w) => ({ id: w.indoorDataId }) },
  { match: /^\/api\/upload-sessions\/\{id\}/, values: (w) => ({ id: w.uploadSessionId }) },
  // Orders module.
  { match: /^\/api\/orders\/\{id\}/, values: (w) => ({ id: w.orderId, contract_id: w.contractId }) },
  { match: /^\/api\/payment-rates\/\{id\}$/, values: (w) => ({ id: w.paymentRateId }) },
  { match: /^\/api\/payments\/\{id\}$/, values: (w) => ({ id: w.paymentId }) },
  { match: /^\/api\/ops-requests\/\{id\}/, values: (w) => ({ id: w.opsRequestId }) },
  { match: /^\/api\/finance-staff\/\{user_id\}$/, values: (w) => ({ user_id: w.member.id }) },
  { match: /^\/api\/bank-details\/\{user_id\}/, values: (w) => ({ user_id: w.member.id }) },
  // Global user administration: B is not an administrator.
  { match: /^\/api\/admin\/users\/\{id\}\//, values: (w) => ({ id: w.owner.id }), status: 403 },
];
