// The role matrix through HTTP, table-driven: for every role of every resource kind, every action of the policy
// is tried on a resource of its own and answers 2xx exactly when the policy allows it, 403 otherwise.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { inScope } from '../src/db/scope.ts';
import { PNG_HEADER } from '../src/modules/files/files.test-kit.ts';
import { type Action, allows, policy, type ResourceKind } from '../src/platform/access/policy.ts';
import type { App } from '../src/platform/http/app-types.ts';
import { createTestApp } from './app.ts';
import { forEachDatabase } from './harness.ts';
import { inOrg, type Person, signUp } from './http-factories.ts';

interface Probe {
  resource: number;
  orgId: number;
  spare: number;
  spare2: number;
  /** A data manager view of the project's owner (project kind only). */
  view: number;
  /** A task of the project and an annotation on it by the owner (project kinds only). */
  task: number;
  annotation: number;
  /** An interactive ML backend of the project (unreachable; project kind only). */
  ml: number;
  /** A team and a project tag of the organization, made by its owner. */
  team: number;
  tag: number;
}

type Requests = Partial<Record<Action, (p: Probe) => InjectOptions>>;

/** A multipart form with a 1x1 PNG in the part "file", for the photo upload probe. */
const BOUNDARY = 'gt-role-matrix-boundary';
const PHOTO_FORM = Buffer.concat([
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="probe.png"\r\nContent-Type: image/png\r\n\r\n`,
  ),
  PNG_HEADER,
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);

const requests: Requests = {
  'organization.read': (p) => ({ method: 'GET', url: `/api/organizations/${p.orgId}` }),
  'organization.update': (p) => ({
    method: 'PATCH',
    url: `/api/organizations/${p.orgId}`,
    payload: { name: 'Renamed org' },
  }),
  'organization.members.read': (p) => ({ method: 'GET', url: `/api/organizations/${p.orgId}/memberships` }),
  'organization.members.manage': (p) => ({
    method: 'PATCH',
    url: `/api/organizations/${p.orgId}/memberships/${p.spare}`,
    payload: { role: 'admin' },
  }),
  'organization.owners.manage': (p) => ({
    method: 'PATCH',
    url: `/api/organizations/${p.orgId}/memberships/${p.spare2}`,
    payload: { role: 'owner' },
  }),
  'organization.invitations.manage': (p) => ({
    method: 'POST',
    url: `/api/organizations/${p.orgId}/invitations`,
    payload: { email: `invitee${p.spare}@example.test`, role: 'member' },
  }),
  'organization.audit.read': (p) => ({ method: 'GET', url: `/api/organizations/${p.orgId}/audit-log` }),
  'organization.webhooks.manage': () => ({
    method: 'POST',
    url: '/api/webhooks',
    payload: { url: 'https://hooks.example.test/x' },
  }),
  'team.create': () => ({ method: 'POST', url: '/api/teams', payload: { name: 'New team' } }),
  'workspace.create': () => ({ method: 'POST', url: '/api/workspaces', payload: { title: 'New space' } }),
  'project.create': () => ({ method: 'POST', url: '/api/projects', payload: { title: 'New project' } }),
  'organization.delete': (p) => ({ method: 'DELETE', url: `/api/organizations/${p.orgId}` }),

  'team.read': (p) => ({ method: 'GET', url: `/api/teams/${p.resource}` }),
  'team.update': (p) => ({
    method: 'PATCH',
    url: `/api/teams/${p.resource}`,
    payload: { description: 'changed' },
  }),
  'team.members.manage': (p) => ({
    method: 'POST',
    url: `/api/teams/${p.resource}/members`,
    payload: { user_id: p.spare, role: 'viewer' },
  }),
  'team.owners.manage': (p) => ({
    method: 'POST',
    url: `/api/teams/${p.resource}/members`,
    payload: { user_id: p.spare2, role: 'owner' },
  }),
  'team.delete': (p) => ({ method: 'DELETE', url: `/api/teams/${p.resource}` }),
  'team.invite': (p) => ({
    method: 'POST',
    url: `/api/teams/${p.resource}/invitations`,
    payload: { email: `team${p.spare}@example.test`, role: 'viewer' },
  }),
  'project_group.create': () => ({ method: 'POST', url: '/api/project-groups', payload: { title: 'Group' } }),
  'organization.team_tags.manage': (p) => ({
    method: 'PUT',
    url: `/api/teams/${p.team}/tags/${p.tag}`,
    payload: { role: 'viewer' },
  }),
  'project_group.read': (p) => ({ method: 'GET', url: `/api/project-groups/${p.resource}` }),
  'project_group.update': (p) => ({
    method: 'PATCH',
    url: `/api/project-groups/${p.resource}`,
    payload: { description: 'changed' },
  }),
  'project_group.delete': (p) => ({ method: 'DELETE', url: `/api/project-groups/${p.resource}` }),

  'workspace.read': (p) => ({ method: 'GET', url: `/api/workspaces/${p.resource}` }),
  'workspace.update': (p) => ({
    method: 'PATCH',
    url: `/api/workspaces/${p.resource}`,
    payload: { description: 'changed' },
  }),
  'workspace.members.manage': (p) => ({
    method: 'POST',
    url: `/api/workspaces/${p.resource}/members`,
    payload: { user_id: p.spare, role: 'member' },
  }),
  'workspace.delete': (p) => ({ method: 'DELETE', url: `/api/workspaces/${p.resource}` }),
  'workspace.invite': (p) => ({
    method: 'POST',
    url: `/api/workspaces/${p.resource}/invitations`,
    payload: { email: `space${p.spare}@example.test` },
  }),

  'project.read': (p) => ({ method: 'GET', url: `/api/projects/${p.resource}` }),
  'project.update': (p) => ({
    method: 'PATCH',
    url: `/api/projects/${p.resource}`,
    payload: { description: 'changed' },
  }),
  'project.members.read': (p) => ({ method: 'GET', url: `/api/projects/${p.resource}/members` }),
  'project.members.manage': (p) => ({
    method: 'POST',
    url: `/api/projects/${p.resource}/members`,
    payload: { user_id: p.spare, role: 'viewer' },
  }),
  'project.owners.manage': (p) => ({
    method: 'POST',
    url: `/api/projects/${p.resource}/members`,
    payload: { user_id: p.spare2, role: 'owner' },
  }),
  'project.modules.update': (p) => ({
    method: 'PUT',
    url: `/api/projects/${p.resource}/modules`,
    payload: { enabled: ['annotation'] },
  }),
  'project.invite': (p) => ({
    method: 'POST',
    url: `/api/projects/${p.resource}/invitations`,
    payload: { email: `project${p.spare}@example.test`, role: 'annotator' },
  }),
  'project.groups.manage': (p) => ({
    method: 'PUT',
    url: `/api/projects/${p.resource}/groups/${p.team}`,
    payload: { role: 'viewer' },
  }),
  'project.like': (p) => ({ method: 'POST', url: `/api/projects/${p.resource}/like` }),
  'onboarding.read': (p) => ({ method: 'GET', url: `/api/projects/${p.resource}/onboarding` }),
  'onboarding.update': (p) => ({
    method: 'PATCH',
    url: `/api/projects/${p.resource}/onboarding`,
    payload: { step: 'PB', finished: true },
  }),
  'project.webhooks.manage': (p) => ({
    method: 'POST',
    url: '/api/webhooks',
    payload: { url: 'https://hooks.example.test/p', project: p.resource },
  }),
  'storages.manage': (p) => ({
    method: 'POST',
    url: '/api/storages/s3',
    payload: { project: p.resource, bucket: 'role-matrix' },
  }),
  'tasks.read': (p) => ({ method: 'GET', url: `/api/tasks?project=${p.resource}` }),
  'tasks.import': (p) => ({
    method: 'POST',
    url: `/api/projects/${p.resource}/import`,
    payload: [{ text: 'imported' }],
  }),
  'tasks.export': (p) => ({ method: 'GET', url: `/api/projects/${p.resource}/export` }),
  'tasks.manage': (p) => ({
    method: 'POST',
    url: '/api/tasks',
    payload: { project: p.resource, data: { text: 'x' } },
  }),
  'photos.read': (p) => ({ method: 'GET', url: `/api/projects/${p.resource}/photos` }),
  'photos.upload': (p) => ({
    method: 'POST',
    url: `/api/projects/${p.resource}/photos`,
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: PHOTO_FORM,
  }),
  'photos.tag': (p) => ({
    method: 'POST',
    url: `/api/projects/${p.resource}/tags`,
    payload: { name: 'probe' },
  }),
  'detections.review': (p) => ({ method: 'GET', url: `/api/projects/${p.resource}/review-queue` }),
  'photos.manage': (p) => ({
    method: 'POST',
    url: `/api/projects/${p.resource}/detectors`,
    payload: { name: 'probe', kind: 'image_quality' },
  }),
  'geodata.read': (p) => ({ method: 'GET', url: `/api/projects/${p.resource}/geodata` }),
  'geodata.write': (p) => ({
    method: 'PATCH',
    url: `/api/projects/${p.resource}/geodata`,
    payload: { planting_date: '2026-04-01' },
  }),
  'geodata.publish': (p) => ({ method: 'POST', url: `/api/projects/${p.resource}/publish` }),
  'geodata.delete': (p) => ({ method: 'DELETE', url: `/api/projects/${p.resource}/location` }),
  'extensions.read': () => ({ method: 'GET', url: '/api/extensions/me' }),
  // Extension 1 is the catalogue's first row (migration 0016).
  'extensions.manage': (p) => ({ method: 'PUT', url: `/api/extensions/1/users/${p.spare}`, payload: {} }),
  'short_links.create': () => ({
    method: 'POST',
    url: '/api/short-links',
    payload: { url: '/api/projects' },
  }),
  'dm.views.own': (p) => ({
    method: 'POST',
    url: '/api/dm/views',
    payload: { project: p.resource, data: { title: 'mine' } },
  }),
  'dm.views.manage': (p) => ({ method: 'PATCH', url: `/api/dm/views/${p.view}`, payload: { order: 2 } }),
  'dm.actions.run': (p) => ({
    method: 'POST',
    url: `/api/dm/actions?id=delete_tasks_predictions&project=${p.resource}`,
    payload: { selectedItems: { all: true, excluded: [] } },
  }),
  'annotations.create': (p) => ({
    method: 'POST',
    url: `/api/tasks/${p.task}/annotations`,
    payload: { result: [] },
  }),
  'annotations.review': (p) => ({
    method: 'PATCH',
    url: `/api/annotations/${p.annotation}`,
    payload: { ground_truth: true },
  }),
  'comments.create': (p) => ({
    method: 'POST',
    url: '/api/comments',
    payload: { task: p.task, text: 'a comment' },
  }),
  'predictions.manage': (p) => ({
    method: 'POST',
    url: '/api/predictions',
    payload: { task: p.task, result: [] },
  }),
  'organization.vocabulary.manage': () => ({
    method: 'POST',
    url: '/api/flags',
    payload: { title: 'Blurry' },
  }),
  'ml.read': (p) => ({ method: 'GET', url: `/api/ml?project=${p.resource}` }),
  'ml.manage': (p) => ({
    method: 'POST',
    url: '/api/ml',
    payload: { project: p.resource, url: 'https://ml.example.test', timeout: 2 },
  }),
  'ml.interactive': (p) => ({
    method: 'POST',
    url: `/api/ml/${p.ml}/interactive-annotating`,
    payload: { task: p.task },
  }),
  'models.read': () => ({ method: 'GET', url: '/api/model-interfaces' }),
  'models.manage': () => ({
    method: 'POST',
    url: '/api/model-provider-connections',
    payload: { provider: 'OpenAI', api_key: 'sk-probe-0123456789' },
  }),
  'project.delete': (p) => ({ method: 'DELETE', url: `/api/projects/${p.resource}` }),

  'room.create': () => ({ method: 'POST', url: '/api/rooms', payload: { name: 'New room' } }),
  'license.read': () => ({ method: 'GET', url: '/api/licenses' }),
  'license.manage': () => ({ method: 'POST', url: '/api/licenses', payload: { plan: 'team' } }),
  'room.read': (p) => ({ method: 'GET', url: `/api/rooms/${p.resource}` }),
  'room.contribute': (p) => ({
    method: 'POST',
    url: `/api/rooms/${p.resource}/messages`,
    payload: { text: 'columns' },
  }),
  'room.update': (p) => ({ method: 'PATCH', url: `/api/rooms/${p.resource}`, payload: { name: 'Renamed' } }),
  'room.members.manage': (p) => ({
    method: 'POST',
    url: `/api/rooms/${p.resource}/members`,
    payload: { user_id: p.spare, role: 'MEMBER' },
  }),
  'room.panels.manage': (p) => ({
    method: 'POST',
    url: `/api/rooms/${p.resource}/panels`,
    payload: { name: 'Panel', layout: { x: 0, y: 0, w: 4, h: 3 } },
  }),
  'room.delete': (p) => ({ method: 'DELETE', url: `/api/rooms/${p.resource}` }),
  'orders.place': () => ({
    method: 'POST',
    url: '/api/orders',
    payload: { project_name: 'Probe', project_type: 'labeling', complexity: 'low', currency: 'USD' },
  }),
  'orders.manage': () => ({ method: 'GET', url: '/api/ops-requests' }),
  'billing.rates.manage': () => ({
    method: 'POST',
    url: '/api/payment-rates',
    payload: { unit: 'task', amount: '0.10', currency: 'USD' },
  }),
  'billing.manage': () => ({ method: 'GET', url: '/api/billing/workspaces' }),
  'payments.manage': (p) => ({
    method: 'POST',
    url: '/api/payments',
    payload: {
      direction: 'payout',
      user_id: p.spare,
      total_amount: '5.00',
      currency: 'USD',
      payment_method: 'cash',
    },
  }),
  'bank_details.own': () => ({
    method: 'PUT',
    url: '/api/bank-details/me',
    payload: { account_holder_name: 'Probe', upi_id: 'probe@okbank' },
  }),
  'bank_details.read': () => ({ method: 'GET', url: '/api/bank-details' }),
  'bank_details.read_full': (p) => ({ method: 'GET', url: `/api/bank-details/${p.spare}/full` }),
  'organization.finance.manage': (p) => ({ method: 'PUT', url: `/api/finance-staff/${p.spare}` }),
  'project.ops.request': (p) => ({
    method: 'POST',
    url: `/api/projects/${p.resource}/ops-requests`,
    payload: { request_type: 'review_support' },
  }),
  'indoor.create': () => ({ method: 'POST', url: '/api/indoor-projects', payload: { title: 'Probe' } }),
  'indoor.read': (p) => ({ method: 'GET', url: `/api/indoor-projects/${p.resource}` }),
  'indoor.write': (p) => ({
    method: 'PATCH',
    url: `/api/indoor-projects/${p.resource}`,
    payload: { description: 'changed' },
  }),
  'indoor.delete': (p) => ({ method: 'DELETE', url: `/api/indoor-projects/${p.resource}` }),
  'disk_usage.manage': () => ({ method: 'GET', url: '/api/disk-usage?history=true' }),
  'project.client_api.manage': (p) => ({
    method: 'PUT',
    url: `/api/projects/${p.resource}/client-api-config`,
    payload: { review_period: 3 },
  }),
};

/** Destructive actions go last. */
const order = (a: Action) => (a === 'project.delete' ? 2 : a.endsWith('.delete') ? 1 : 0);

const roleSets: Record<ResourceKind, string[]> = {
  organization: ['owner', 'admin', 'member'],
  team: ['owner', 'manager', 'viewer'],
  workspace: ['manager', 'member'],
  project: ['owner', 'manager', 'annotator', 'reviewer', 'viewer'],
  room: ['OWNER', 'MEMBER'],
  project_group: ['owner', 'member'],
  indoor_project: ['owner', 'manager', 'viewer'],
};

forEachDatabase('role matrix', (ctx) => {
  let app: App;
  before(async () => {
    app = await createTestApp(ctx.database);
    await app.ready();
    await signUp(app);
  });
  after(() => app.close());

  const join = (orgId: number, ownerId: number, userId: number, role: string) =>
    inScope(ctx.database.db, { organizationId: orgId, userId: ownerId }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: orgId, user_id: userId, role })
        .execute(),
    );

  test('every policy action has a probe here', () => {
    const missing = (Object.keys(policy) as Action[]).filter((a) => !requests[a]);
    assert.deepEqual(missing, []);
  });

  for (const kind of [
    'organization',
    'team',
    'workspace',
    'project',
    'room',
    'project_group',
    'indoor_project',
  ] as const) {
    for (const role of roleSets[kind]) {
      test(`${kind} role ${role}`, async () => {
        const owner = await signUp(app);
        const actor = await signUp(app);
        const spare = await signUp(app);
        const spare2 = await signUp(app);
        const orgId = owner.orgId;
        const orgRole = kind === 'organization' ? role : 'member';
        for (const [p, r] of [
          [actor, orgRole],
          [spare, 'member'],
          [spare2, 'member'],
        ] as [Person, string][]) {
          await join(orgId, owner.id, p.id, r);
        }
        const asOwner = inOrg(owner, orgId);
        const create = async (url: string, payload: object) => {
          const res = await app.inject({ method: 'POST', url, headers: asOwner, payload });
          assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
          return res.json().id as number;
        };
        // Indoor projects are behind the indoor extension: the owner and the actor have it.
        if (kind === 'organization' || kind === 'indoor_project') {
          const cat = await app.inject({ method: 'GET', url: '/api/extensions', headers: asOwner });
          const ext = (cat.json() as { id: number; name: string }[]).find((e) => e.name === 'indoor')!.id;
          for (const p of [owner, actor]) {
            const g = await app.inject({
              method: 'PUT',
              url: `/api/extensions/${ext}/users/${p.id}`,
              headers: asOwner,
              payload: {},
            });
            assert.equal(g.statusCode, 200, g.body);
          }
        }
        let resource = orgId;
        let view = 0;
        let task = 0;
        let annotation = 0;
        let ml = 0;
        if (kind === 'team') {
          resource = await create('/api/teams', { name: `team for ${role}` });
          await create(`/api/teams/${resource}/members`, { user_id: actor.id, role });
        } else if (kind === 'workspace') {
          resource = await create('/api/workspaces', { title: `space for ${role}` });
          await create(`/api/workspaces/${resource}/members`, { user_id: actor.id, role });
        } else if (kind === 'project') {
          resource = await create('/api/projects', { title: `project for ${role}` });
          await create(`/api/projects/${resource}/members`, { user_id: actor.id, role });
          view = await create('/api/dm/views', { project: resource, data: { title: 'the owner’s' } });
          await create('/api/tasks', { project: resource, data: { text: 'selected' } });
          task = await create('/api/tasks', { project: resource, data: { text: 'x' } });
          annotation = await create(`/api/tasks/${task}/annotations`, { result: [] });
          ml = await create('/api/ml', {
            project: resource,
            url: 'https://ml.example.test',
            is_interactive: true,
            timeout: 2,
          });
        } else if (kind === 'room') {
          resource = await create('/api/rooms', { name: `room for ${role}` });
          // An OWNER is added as a second owner; the creator stays.
          await create(`/api/rooms/${resource}/members`, { user_id: actor.id, role });
        } else if (kind === 'indoor_project') {
          // A team's members hold their team role on the team's indoor projects.
          const t = await create('/api/teams', { name: `indoor team for ${role}` });
          await create(`/api/teams/${t}/members`, { user_id: actor.id, role });
          resource = await create('/api/indoor-projects', { title: `indoor for ${role}`, team_id: t });
        } else if (kind === 'project_group') {
          // The creator owns a project group; every other member of the organization sees it.
          const res = await app.inject({
            method: 'POST',
            url: '/api/project-groups',
            headers: role === 'owner' ? inOrg(actor, orgId) : asOwner,
            payload: { title: `group for ${role}` },
          });
          assert.equal(res.statusCode, 201, res.body);
          resource = res.json().id;
        }
        const team = await create('/api/teams', { name: `probe team for ${role}` });
        const tag = await create('/api/tags', { title: `probe tag ${kind} ${role}` });
        const probe: Probe = {
          resource,
          orgId,
          spare: spare.id,
          spare2: spare2.id,
          view,
          task,
          annotation,
          ml,
          team,
          tag,
        };
        const actions = (Object.keys(policy) as Action[])
          .filter((a) => policy[a].on === kind)
          .sort((a, b) => order(a) - order(b));
        const outcomes: string[] = [];
        for (const action of actions) {
          const req = requests[action]!(probe);
          const res = await app.inject({
            ...req,
            headers: { ...(req.headers as Record<string, string>), ...inOrg(actor, orgId) },
          });
          const expected = allows(action, role) ? '2xx' : '403';
          const got = res.statusCode >= 200 && res.statusCode < 300 ? '2xx' : String(res.statusCode);
          outcomes.push(
            `${action}: expected ${expected}, got ${got}${got === expected ? '' : ` ${res.body.slice(0, 160)}`}`,
          );
        }
        const wrong = outcomes.filter((o) => {
          const [, e, g] = /expected (\S+), got (\S+)/.exec(o) ?? [];
          return e !== g;
        });
        assert.deepEqual(wrong, [], outcomes.join('\n'));
      });
    }
  }
});
