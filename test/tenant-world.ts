// One organization with something of every kind in it, built through the API as its people would, with
// unique marker strings in every name so a test can prove none of it leaks into another tenant's answers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Database } from '../src/db/database.ts';
import { inScope } from '../src/db/scope.ts';
import { multipart } from '../src/modules/files/files.test-kit.ts';
import type { App } from '../src/platform/http/app-types.ts';
import { apiKeyFor, inOrg, type Person, signUp } from './http-factories.ts';

export interface World {
  marker: string;
  owner: Person;
  member: Person;
  orgId: number;
  projectId: number;
  teamId: number;
  workspaceId: number;
  invitationId: number;
  apiKeyId: number;
  apiKey: string;
  jobId: number;
  webhookId: number;
  taskId: number;
  annotationId: number;
  draftId: number;
  predictionId: number;
  commentId: number;
  flagId: number;
  tagId: number;
  labelId: number;
  labelLinkId: number;
  fileId: number;
  /** A tus upload id (a string, not a number). */
  uploadId: string;
}

async function create(
  app: App,
  headers: Record<string, string>,
  url: string,
  payload: object,
): Promise<number> {
  // A module not registered yet contributes nothing (its routes are not in the route table either).
  if (!app.hasRoute({ method: 'POST', url: url.replace(/\/\d+(?=\/|$)/g, '/:id') })) return 0;
  const res = await app.inject({ method: 'POST', url, headers, payload });
  assert.ok(res.statusCode === 201 || res.statusCode === 200, `${url}: ${res.statusCode} ${res.body}`);
  return res.json().id;
}

export async function buildWorld(app: App, database: Database): Promise<World> {
  const marker = `zz${randomBytes(5).toString('hex')}`;
  const owner = await signUp(app, { username: `${marker}_owner` });
  const member = await signUp(app, { username: `${marker}_member` });
  const headers = inOrg(owner, owner.orgId);
  // The member joins the owner's organization (the invitation flow has its own tests).
  await inScope(database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
    tx
      .insertInto('organization_members')
      .values({ organization_id: owner.orgId, user_id: member.id, role: 'member' })
      .execute(),
  );
  const teamId = await create(app, headers, '/api/teams', { name: `${marker} crew` });
  const workspaceId = await create(app, headers, '/api/workspaces', { title: `${marker} space` });
  const projectId = await create(app, headers, '/api/projects', {
    title: `${marker} project`,
    description: `${marker} secret description`,
    ...(teamId && { team_id: teamId }),
    ...(workspaceId && { workspace_id: workspaceId }),
  });
  await create(app, headers, `/api/projects/${projectId}/members`, { user_id: member.id, role: 'annotator' });
  await create(app, headers, `/api/teams/${teamId}/members`, { user_id: member.id, role: 'viewer' });
  const invitationId = await create(app, headers, `/api/organizations/${owner.orgId}/invitations`, {
    email: `${marker}.invitee@example.test`,
    role: 'member',
  });
  const apiKey = await apiKeyFor(app, owner, `${marker} key`);
  const keys = await app.inject({ method: 'GET', url: '/api/api-keys', headers: owner.headers });
  const apiKeyId = keys.json()[0].id;
  const webhookId = await create(app, headers, '/api/webhooks', {
    url: `https://${marker}.example.test/hook`,
  });
  const taskId = await create(app, headers, '/api/tasks', {
    project: projectId,
    data: { text: `${marker} task text` },
  });
  const annotationId = await create(app, headers, `/api/tasks/${taskId}/annotations`, { result: [] });
  const draftId = await create(app, headers, `/api/tasks/${taskId}/drafts`, { result: [] });
  const predictionId = await create(app, headers, '/api/predictions', {
    task: taskId,
    result: [],
    model_version: `${marker} model`,
  });
  const commentId = await create(app, headers, '/api/comments', {
    annotation: annotationId,
    text: `${marker} comment`,
  });
  const flagId = await create(app, headers, '/api/flags', { title: `${marker} flag` });
  const tagId = await create(app, headers, '/api/tags', { title: `${marker} tag` });
  if (flagId) await create(app, headers, `/api/tasks/${taskId}/flags`, { flag: flagId });
  if (tagId) await create(app, headers, `/api/projects/${projectId}/tags`, { tag: tagId });
  const labelId = await create(app, headers, '/api/labels', {
    title: `${marker} label`,
    value: { value: marker },
  });
  const labelLinkId = await create(app, headers, '/api/label_links', {
    project: projectId,
    label: labelId,
    from_name: `${marker}_control`,
  });
  const body = await multipart([
    { name: `${marker}.csv`, bytes: `site,value\n${marker},1\n`, type: 'text/csv' },
  ]);
  const file = await app.inject({
    method: 'POST',
    url: '/api/files',
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
  assert.equal(file.statusCode, 201, file.body);
  const tus = await app.inject({
    method: 'POST',
    url: '/api/uploads',
    headers: {
      ...headers,
      'tus-resumable': '1.0.0',
      'upload-length': '100',
      'upload-metadata': `filename ${Buffer.from(`${marker}.bin`).toString('base64')}`,
    },
  });
  assert.equal(tus.statusCode, 201, tus.body);
  const uploadId = String(tus.headers.location).split('/').pop()!;
  // A finished job record (its runner is exercised by the jobs tests).
  const job = await inScope(database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
    tx
      .insertInto('jobs')
      .values({
        organization_id: owner.orgId,
        project_id: projectId || null,
        created_by: owner.id,
        kind: 'import',
        state: 'succeeded',
        progress: 100,
        message: `${marker} imported`,
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return {
    marker,
    owner,
    member,
    orgId: owner.orgId,
    projectId,
    teamId,
    workspaceId,
    invitationId,
    apiKeyId,
    apiKey,
    jobId: job.id,
    webhookId,
    taskId,
    annotationId,
    draftId,
    predictionId,
    commentId,
    flagId,
    tagId,
    labelId,
    labelLinkId,
    fileId: file.json().id,
    uploadId,
  };
}
