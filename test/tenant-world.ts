// One organization with something of every kind in it, built through the API as its people would, with
// unique marker strings in every name so a test can prove none of it leaks into another tenant's answers.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Database } from '../src/db/database.ts';
import { inScope } from '../src/db/scope.ts';
import { multipart } from '../src/modules/files/files.test-kit.ts';
import { jpeg, photoForm } from '../src/modules/photos/photos.test-kit.ts';
import type { App } from '../src/platform/http/app-types.ts';
import { apiKeyFor, inOrg, type Person, signUp } from './http-factories.ts';
import { type GeoindoorWorld, geoindoorWorld } from './tenant-world.geoindoor.ts';
import { type GeorawWorld, georawWorld } from './tenant-world.georaw.ts';
import { type OrdersWorld, ordersWorld } from './tenant-world.orders.ts';

export interface World extends OrdersWorld, GeorawWorld, GeoindoorWorld {
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
  /** An S3 import storage of the project (no connection is made until validate or sync). */
  storageId: number;
  taskId: number;
  annotationId: number;
  draftId: number;
  predictionId: number;
  commentId: number;
  viewId: number;
  flagId: number;
  tagId: number;
  /** A project group holding the project (the team also has roles on the project and the tag). */
  projectGroupId: number;
  labelId: number;
  labelLinkId: number;
  fileId: number;
  /** A tus upload id (a string, not a number). */
  uploadId: string;
  photoId: number;
  detectionId: number;
  detectorId: number;
  photoTagId: number;
  shareLinkId: number;
  shareToken: string;
  importId: number;
  exportId: number;
  roomId: number;
  messageId: number;
  panelId: number;
  licenseId: number;
  flightId: number;
  breedbaseId: number;
  dataProductId: number;
  vectorLayerId: number;
  /** The public share token of the data product, and a short link's code. */
  publicToken: string;
  shortCode: string;
  mlBackendId: number;
  predictionJobId: number;
  connectionId: number;
  modelInterfaceId: number;
  modelVersionId: number;
  modelRunId: number;
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

async function createAt(app: App, headers: Record<string, string>, url: string, payload: object) {
  const res = await app.inject({ method: 'POST', url, headers, payload });
  assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
  return res.json().id as number;
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
  // Extension grants (geodata): catalogue extension 1 to the team and to the member.
  for (const url of [`/api/extensions/1/teams/${teamId}`, `/api/extensions/1/users/${member.id}`]) {
    const res = await app.inject({ method: 'PUT', url, headers, payload: {} });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
  }
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
  // A label config with a variable, so a random JSON list is not a valid import of the project.
  if (projectId) {
    await inScope(database.db, { organizationId: owner.orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('annotation_settings')
        .values({
          organization_id: owner.orgId,
          project_id: projectId,
          label_config:
            '<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="a"/></Choices></View>',
        })
        .execute(),
    );
  }
  const taskId = await create(app, headers, '/api/tasks', {
    project: projectId,
    data: { text: `${marker} task text` },
  });
  const annotationId = await create(app, headers, `/api/tasks/${taskId}/annotations`, { result: [] });
  // (create() looks the route up by its path; this one's path has a :type parameter.)
  const storageId = app.hasRoute({ method: 'POST', url: '/api/storages/:type' })
    ? await createAt(app, headers, '/api/storages/s3', {
        project: projectId,
        bucket: `${marker}-bucket`,
        title: `${marker} storage`,
        aws_access_key_id: 'AKIA',
        aws_secret_access_key: `${marker}-secret`,
      })
    : 0;
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
  const viewId = await create(app, headers, '/api/dm/views', {
    project: projectId,
    data: { title: `${marker} view`, filters: { conjunction: 'and', items: [] } },
  });
  const flagId = await create(app, headers, '/api/flags', { title: `${marker} flag` });
  const tagId = await create(app, headers, '/api/tags', { title: `${marker} tag` });
  if (flagId) await create(app, headers, `/api/tasks/${taskId}/flags`, { flag: flagId });
  if (tagId) await create(app, headers, `/api/projects/${projectId}/project-tags`, { tag: tagId });
  const projectGroupId = await create(app, headers, '/api/project-groups', {
    title: `${marker} project group`,
    description: `${marker} group description`,
    project_ids: [projectId],
  });
  if (projectGroupId) {
    for (const url of [`/api/projects/${projectId}/groups/${teamId}`, `/api/teams/${teamId}/tags/${tagId}`]) {
      const res = await app.inject({ method: 'PUT', url, headers, payload: { role: 'reviewer' } });
      assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
    }
  }
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
  let importId = 0;
  let exportId = 0;
  if (app.hasRoute({ method: 'POST', url: '/api/projects/:id/import' })) {
    const imported = await app.inject({
      method: 'POST',
      url: `/api/projects/${projectId}/import`,
      headers,
      payload: [{ text: `${marker} imported text` }],
    });
    assert.equal(imported.statusCode, 201, imported.body);
    importId = imported.json().import;
    exportId = await create(app, headers, `/api/projects/${projectId}/exports`, {
      title: `${marker} export`,
    });
  }
  const roomId = await create(app, headers, '/api/rooms', { name: `${marker} room` });
  let messageId = 0;
  let panelId = 0;
  let licenseId = 0;
  if (roomId) {
    await create(app, headers, `/api/rooms/${roomId}/members`, { user_id: member.id });
    await create(app, headers, `/api/rooms/${roomId}/files`, { file_id: file.json().id });
    messageId = await create(app, headers, `/api/rooms/${roomId}/messages`, { text: `${marker} columns` });
    panelId = await create(app, headers, `/api/rooms/${roomId}/panels`, {
      name: `${marker} panel`,
      layout: { x: 0, y: 0, w: 4, h: 3 },
    });
    licenseId = await create(app, headers, '/api/licenses', { plan: 'team' });
  }
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
  const photos = await photoWorld(app, headers, projectId, marker);
  const ml = await mlWorld(app, headers, projectId, taskId, marker);
  const geo = await buildGeodata(app, headers, marker, projectId, owner.id, file.json().id);
  const orders = await ordersWorld(app, headers, inOrg(member, owner.orgId), {
    marker,
    projectId,
    fileId: file.json().id,
    memberId: member.id,
  });
  const georaw = await georawWorld(app, headers, { marker, flightId: geo.flightId });
  const geoindoor = await geoindoorWorld(app, headers, {
    marker,
    ownerId: owner.id,
    flightId: geo.flightId,
  });
  return {
    ...geoindoor,
    ...orders,
    ...georaw,
    ...photos,
    ...geo,
    ...ml,
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
    storageId,
    draftId,
    predictionId,
    commentId,
    viewId,
    flagId,
    tagId,
    projectGroupId,
    labelId,
    labelLinkId,
    fileId: file.json().id,
    uploadId,
    importId,
    exportId,
    roomId,
    messageId,
    panelId,
    licenseId,
  };
}

/** An ML backend (unreachable: it is kept with state ER) with a queued prediction job, and a model run. */
async function mlWorld(
  app: App,
  headers: Record<string, string>,
  projectId: number,
  taskId: number,
  marker: string,
) {
  const none = {
    mlBackendId: 0,
    predictionJobId: 0,
    connectionId: 0,
    modelInterfaceId: 0,
    modelVersionId: 0,
    modelRunId: 0,
  };
  if (!app.hasRoute({ method: 'POST', url: '/api/ml' })) return none;
  const mlBackendId = await create(app, headers, '/api/ml', {
    project: projectId,
    url: `https://${marker}.example.test/ml`,
    title: `${marker} backend`,
    timeout: 2,
  });
  const predictionJobId = await create(app, headers, `/api/ml/${mlBackendId}/predict`, {
    task_ids: [taskId],
  });
  const connectionId = await create(app, headers, '/api/model-provider-connections', {
    provider: 'Custom',
    endpoint: `https://${marker}.example.test/llm`,
    api_key: `${marker}-key`,
  });
  const modelInterfaceId = await create(app, headers, '/api/model-interfaces', {
    title: `${marker} prompt`,
    associated_projects: [projectId],
  });
  const modelVersionId = await create(app, headers, `/api/model-interfaces/${modelInterfaceId}/versions`, {
    title: `${marker} v1`,
    provider_model_id: 'gpt-fake',
    prompt: `${marker} {text}`,
    model_provider_connection: connectionId,
  });
  const modelRunId = await create(
    app,
    headers,
    `/api/model-interfaces/${modelInterfaceId}/versions/${modelVersionId}/runs`,
    { project: projectId, task_ids: [taskId] },
  );
  return { mlBackendId, predictionJobId, connectionId, modelInterfaceId, modelVersionId, modelRunId };
}

/** A photo with a detection, a tag, a detector and a share link (when the photos module is registered). */
async function photoWorld(app: App, headers: Record<string, string>, projectId: number, marker: string) {
  const none = {
    photoId: 0,
    detectionId: 0,
    detectorId: 0,
    photoTagId: 0,
    shareLinkId: 0,
    shareToken: 'x'.repeat(43),
  };
  if (!app.hasRoute({ method: 'POST', url: '/api/projects/:id/photos' })) return none;
  const form = await photoForm(await jpeg({ width: 64, height: 48 }), `${marker}.jpg`);
  const photo = await app.inject({
    method: 'POST',
    url: `/api/projects/${projectId}/photos`,
    headers: { ...headers, ...form.headers },
    payload: form.payload,
  });
  assert.equal(photo.statusCode, 201, photo.body);
  const photoId = photo.json().id as number;
  const detectionId = await create(app, headers, `/api/photos/${photoId}/detections`, {
    detection_type: 'damage',
    results: { regions: [{ label: `${marker} crack`, box: { x: 0, y: 0, width: 1, height: 1 } }] },
    confidence: 0.5,
    processing_time_ms: 10,
    model_name: `${marker} model`,
  });
  const photoTagId = await create(app, headers, `/api/projects/${projectId}/tags`, { name: `${marker} tag` });
  await create(app, headers, `/api/photos/${photoId}/tags`, { tag_ids: [photoTagId] });
  const detectorId = await create(app, headers, `/api/projects/${projectId}/detectors`, {
    name: `${marker} detector`,
    kind: 'image_quality',
  });
  const share = await app.inject({
    method: 'POST',
    url: '/api/photos/share',
    headers,
    payload: { photo_ids: [photoId] },
  });
  assert.equal(share.statusCode, 201, share.body);
  return {
    photoId,
    detectionId,
    detectorId,
    photoTagId,
    shareLinkId: share.json().id as number,
    shareToken: share.json().token as string,
  };
}

/** A flight with a data product (public), a vector layer, a map style and a short link, named with the marker. */
async function buildGeodata(
  app: App,
  headers: Record<string, string>,
  marker: string,
  projectId: number,
  pilotId: number,
  fileId: number,
) {
  const send = async (method: 'POST' | 'PUT', url: string, payload: object, status: number) => {
    const res = await app.inject({ method, url, headers, payload });
    assert.equal(res.statusCode, status, `${url}: ${res.body}`);
    return res.json();
  };
  await send(
    'PUT',
    `/api/projects/${projectId}/location`,
    {
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [10, 50],
            [10.01, 50],
            [10.01, 50.01],
            [10, 50],
          ],
        ],
      },
    },
    200,
  );
  const flight = await send(
    'POST',
    `/api/projects/${projectId}/flights`,
    {
      name: `${marker} flight`,
      acquisition_date: '2026-06-01',
      altitude: 40,
      side_overlap: 70,
      forward_overlap: 80,
      sensor: 'RGB',
      platform: `${marker} drone`,
      pilot_id: pilotId,
    },
    201,
  );
  const product = await send(
    'POST',
    `/api/flights/${flight.id}/data-products`,
    { file_id: fileId, data_type: 'ortho' },
    202,
  );
  const permission = await send('PUT', `/api/data-products/${product.id}/permission`, { public: true }, 200);
  await send('PUT', `/api/users/me/styles/${product.id}`, { colormap: 'viridis', settings: { marker } }, 200);
  const layer = await send(
    'POST',
    `/api/projects/${projectId}/vector-layers`,
    {
      name: `${marker} plots`,
      data: {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: { type: 'Point', coordinates: [10, 50] }, properties: { marker } },
        ],
      },
    },
    201,
  );
  const breedbase = await send(
    'POST',
    `/api/projects/${projectId}/breedbase-connections`,
    { base_url: 'https://breedbase.example.org', trial_ids: [`${marker}-trial`], secret: `${marker} secret` },
    201,
  );
  const link = await send('POST', '/api/short-links', { url: `/api/flights/${flight.id}?${marker}` }, 201);
  return {
    flightId: flight.id as number,
    breedbaseId: breedbase.id as number,
    dataProductId: product.id as number,
    vectorLayerId: layer.id as number,
    publicToken: permission.token as string,
    shortCode: link.code as string,
  };
}
