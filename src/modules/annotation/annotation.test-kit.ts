// Helpers for the annotation suites: an organization with people in each project role, an annotation project
// with a config, tasks, and calls as a person.
import assert from 'node:assert/strict';
import type { Response as LightMyRequestResponse } from 'light-my-request';
import { inOrg, type Person, signUp } from '../../../test/http-factories.ts';
import type { Database } from '../../db/database.ts';
import { inScope } from '../../db/scope.ts';
import type { App } from '../../platform/http/app-types.ts';

export const BOXES =
  '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">' +
  '<Label value="Car"/><Label value="Bus"/></RectangleLabels></View>';

export const box = (label: string, id = `r${label}`) => ({
  id,
  from_name: 'label',
  to_name: 'image',
  type: 'rectanglelabels',
  original_width: 800,
  original_height: 600,
  image_rotation: 0,
  value: { x: 10, y: 10, width: 20, height: 20, rotation: 0, rectanglelabels: [label] },
});

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Lab {
  owner: Person;
  orgId: number;
  projectId: number;
  people: Record<string, Person>;
  call: (person: Person, method: Method, url: string, payload?: unknown) => Promise<LightMyRequestResponse>;
  /** Creates tasks through POST /api/tasks and returns their ids. */
  tasks: (n: number) => Promise<number[]>;
}

export async function lab(
  app: App,
  database: Database,
  opts: { roles?: string[]; config?: string; project?: Record<string, unknown> } = {},
): Promise<Lab> {
  const owner = await signUp(app);
  const orgId = owner.orgId;
  const call = (person: Person, method: Method, url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: inOrg(person, orgId),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const created = await call(owner, 'POST', '/api/projects', {
    title: 'Boxes',
    label_config: opts.config ?? BOXES,
    ...opts.project,
  });
  assert.equal(created.statusCode, 201, created.body);
  const projectId: number = created.json().id;
  const people: Record<string, Person> = {};
  for (const role of opts.roles ?? []) {
    const person = await signUp(app);
    await inScope(database.db, { organizationId: orgId, userId: owner.id }, (tx) =>
      tx
        .insertInto('organization_members')
        .values({ organization_id: orgId, user_id: person.id, role: 'member' })
        .execute(),
    );
    const res = await call(owner, 'POST', `/api/projects/${projectId}/members`, { user_id: person.id, role });
    assert.equal(res.statusCode, 201, res.body);
    people[role] = person;
  }
  const tasks = async (n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await call(owner, 'POST', '/api/tasks', {
        project: projectId,
        data: { image: `https://example.test/${i}.jpg` },
      });
      assert.equal(res.statusCode, 201, res.body);
      ids.push(res.json().id);
    }
    return ids;
  };
  return { owner, orgId, projectId, people, call, tasks };
}

/** The counters recomputed from the rows, to compare with the stored ones. */
export async function recount(database: Database, orgId: number, userId: number, projectId: number) {
  return inScope(database.db, { organizationId: orgId, userId }, async (tx) => {
    const tasks = await tx
      .selectFrom('tasks as t')
      .select((eb) => [
        't.id',
        't.overlap',
        't.total_annotations',
        't.cancelled_annotations',
        't.is_labeled',
        eb
          .selectFrom('annotations as a')
          .whereRef('a.task_id', '=', 't.id')
          .where('a.was_cancelled', '=', false)
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('real_total'),
        eb
          .selectFrom('annotations as a')
          .whereRef('a.task_id', '=', 't.id')
          .where('a.was_cancelled', '=', true)
          .select((e) => e.fn.countAll<number>().as('n'))
          .as('real_cancelled'),
      ])
      .where('t.project_id', '=', projectId)
      .execute();
    const settings = await tx
      .selectFrom('annotation_settings')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    return { tasks, settings };
  });
}
