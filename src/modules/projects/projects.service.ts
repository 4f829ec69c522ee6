// Projects: the one projects resource (core fields), bookmarks and enabled modules. Every use case runs in one
// unit of work in the actor's organization and asks the access module first; another organization's project
// is invisible under row-level security, so it answers 404.
import type { Tx } from '../../db/scope.ts';
import { authorize, effectiveRoles } from '../../platform/access/access.ts';
import type { ProjectRole } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/http/common.schemas.ts';
import { auditTrail, organizationWork, orgOf } from '../../platform/unit-of-work.ts';
import { slugify } from '../tenancy/index.ts';
import { insertMember } from './members.repo.ts';
import { type ProjectExtension, splitInput } from './projects.extensions.ts';
import {
  deleteProject,
  enableModule,
  freeSlug,
  insertProject,
  type LoadedProject,
  loadProjects,
  moduleStates,
  type ProjectFilter,
  type ProjectPatch,
  pgCode,
  readableProjectsPage,
  setLike,
  setModules,
  updateProject,
} from './projects.repo.ts';
import type { ModuleName } from './projects.schemas.ts';

export interface ProjectInput {
  title: string;
  description?: string | null | undefined;
  slug?: string | undefined;
  visibility?: 'public' | 'private' | undefined;
  status?: 'active' | 'completed' | 'archived' | undefined;
  team_id?: number | null | undefined;
  workspace_id?: number | null | undefined;
}

export type ProjectUpdate = Partial<ProjectInput>;

export function toProject(r: LoadedProject, role: string) {
  return {
    id: r.id,
    title: r.title,
    slug: r.slug,
    description: r.description,
    visibility: r.visibility as 'public' | 'private',
    status: r.status as 'active' | 'completed' | 'archived',
    organization: r.organization_id,
    team: r.team_id,
    workspace: r.workspace_id,
    created_by:
      r.created_by === null || r.creator_username === null || r.creator_email === null
        ? null
        : {
            id: r.created_by,
            username: r.creator_username,
            email: r.creator_email,
            first_name: r.creator_first_name,
            last_name: r.creator_last_name,
          },
    created_at: r.created_at,
    updated_at: r.updated_at,
    modules: r.modules as ModuleName[],
    liked: r.liked,
    like_count: Number(r.like_count),
    role: role as ProjectRole,
  };
}

export type ProjectOut = ReturnType<typeof toProject>;

function invalid(part: string, field: string, message: string): AppError {
  return new AppError('validation_failed', `invalid request: ${field} ${message}`, [
    { in: part, field, message },
  ]);
}

/** What the schema cannot say: no blank titles, and no NUL characters (PostgreSQL text cannot hold them). */
export function cleanText(part: string, field: string, value: string, opts: { trim?: boolean } = {}): string {
  const out = opts.trim ? value.trim() : value;
  if (opts.trim && out.length === 0) throw invalid(part, field, 'must not be blank');
  if (out.includes('\u0000')) throw invalid(part, field, 'must not contain NUL characters');
  return out;
}

const cleanDescription = (v: string | null | undefined) =>
  typeof v === 'string' ? cleanText('body', 'description', v) : v;

/**
 * The slug a title gets when none is given. Accents are dropped first (slugify keeps their combining marks as
 * separators: "Élan" would become "e-lan"), and a title without letters or digits becomes "project" (slugify
 * falls back to "org").
 */
export function baseSlug(title: string): string {
  const plain = title.normalize('NFKD').replace(/\p{M}/gu, '');
  return /[a-z0-9]/i.test(plain) ? slugify(plain) : 'project';
}

export { orgOf };

export function createProjectsService(
  { database, config, webhooks }: Pick<Deps, 'database' | 'config' | 'webhooks'>,
  extensions: readonly ProjectExtension[] = [],
) {
  const options = { approvalRequired: config.APPROVAL_REQUIRED };
  const run = organizationWork(database);
  const record = auditTrail('project');
  // Label Studio's project events: {"action", "project": {...}} (PROJECT_DELETED carries the id only).
  const announce = (
    tx: Tx,
    actor: Actor,
    action: 'PROJECT_CREATED' | 'PROJECT_UPDATED' | 'PROJECT_DELETED',
    project: { id: number },
  ) =>
    webhooks.emit(tx, {
      organizationId: orgOf(actor),
      // A deleted project's own subscriptions went with it: only the organization's hear of it.
      projectId: action === 'PROJECT_DELETED' ? null : project.id,
      action,
      payload: { project },
    });

  /** Each extension's fields of the projects, merged per id. */
  async function extraFields(tx: Tx, ids: readonly number[]) {
    const out = new Map<number, Record<string, unknown>>();
    if (ids.length === 0) return out;
    for (const ext of extensions) {
      for (const [id, fields] of await ext.load(tx, ids)) out.set(id, { ...out.get(id), ...fields });
    }
    return out;
  }

  async function view(tx: Tx, actor: Actor, id: number, role: string): Promise<ProjectOut> {
    const [row] = await loadProjects(tx, actor.userId, [id]);
    if (!row) throw new AppError('not_found', `project ${id} not found`);
    const extra = await extraFields(tx, [id]);
    return { ...toProject(row, role), ...extra.get(id) };
  }

  /** A team or workspace given for a project must be one the actor can see in this organization. */
  async function checkGroups(tx: Tx, actor: Actor, teamId?: number | null, workspaceId?: number | null) {
    if (teamId != null) await authorize(tx, actor, 'team.read', [teamId]);
    if (workspaceId != null) await authorize(tx, actor, 'workspace.read', [workspaceId]);
  }

  /** A team or workspace deleted between our check and the write breaks the composite foreign key. */
  async function writing<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (pgCode(err) === '23503') throw new AppError('not_found', 'the team or workspace is gone');
      if (pgCode(err) === '23505')
        throw new AppError('conflict', `slug is already used in this organization`);
      throw err;
    }
  }

  async function create(actor: Actor, body: ProjectInput): Promise<ProjectOut> {
    const { core: input, parts } = splitInput(body as ProjectInput & Record<string, unknown>, extensions);
    const title = cleanText('body', 'title', input.title, { trim: true });
    const description = cleanDescription(input.description) ?? null;
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'project.create', [], options);
      await checkGroups(tx, actor, input.team_id, input.workspace_id);
      const values = {
        title,
        description,
        visibility: input.visibility ?? 'private',
        status: input.status ?? 'active',
        teamId: input.team_id ?? null,
        workspaceId: input.workspace_id ?? null,
      };
      let slug = input.slug ?? baseSlug(title);
      const projectId = await writing(async () => {
        if (input.slug !== undefined) {
          const id = await insertProject(tx, organizationId, actor.userId, { ...values, slug });
          if (id === null)
            throw new AppError('conflict', `slug "${slug}" is already used in this organization`);
          return id;
        }
        // A concurrent create may take the free slug we found; ON CONFLICT tells us, and we look again.
        const base = slug;
        for (let attempt = 0; attempt < 5; attempt++) {
          slug = await freeSlug(tx, organizationId, base);
          const id = await insertProject(tx, organizationId, actor.userId, { ...values, slug });
          if (id !== null) return id;
        }
        throw new AppError('conflict', 'could not find a free slug; try again or give one');
      });
      await insertMember(tx, organizationId, projectId, actor.userId, 'owner');
      for (const [ext, part] of parts) {
        await ext.create(tx, actor, projectId, part);
        await enableModule(tx, organizationId, projectId, ext.module);
      }
      await record(tx, actor, 'project.create', projectId, { title, slug });
      // A direct owner: no other way of holding a role is stronger.
      const created = await view(tx, actor, projectId, 'owner');
      await announce(tx, actor, 'PROJECT_CREATED', created);
      return created;
    });
  }

  async function list(actor: Actor, filter: ProjectFilter, page: PageRequest) {
    if (filter.search !== undefined) cleanText('querystring', 'search', filter.search);
    return run(actor, async (tx, organizationId) => {
      const { count, ids } = await readableProjectsPage(tx, organizationId, actor.userId, filter, page);
      const rows = new Map((await loadProjects(tx, actor.userId, ids)).map((r) => [r.id, r]));
      const extra = await extraFields(tx, ids);
      const roles = await effectiveRoles(tx, actor, 'project', ids);
      const results: ProjectOut[] = [];
      for (const id of ids) {
        const row = rows.get(id);
        const role = roles.get(id);
        if (row && role) results.push({ ...toProject(row, role), ...extra.get(id) });
      }
      return { count, results };
    });
  }

  async function get(actor: Actor, id: number): Promise<ProjectOut> {
    return run(actor, async (tx) => {
      const roles = await authorize(tx, actor, 'project.read', [id]);
      return view(tx, actor, id, roles.get(id)!);
    });
  }

  async function update(actor: Actor, id: number, body: ProjectUpdate): Promise<ProjectOut> {
    const { core: input, parts } = splitInput(body as ProjectUpdate & Record<string, unknown>, extensions);
    const patch: ProjectPatch = {
      title: input.title === undefined ? undefined : cleanText('body', 'title', input.title, { trim: true }),
      description: cleanDescription(input.description),
      slug: input.slug,
      visibility: input.visibility,
      status: input.status,
      teamId: input.team_id,
      workspaceId: input.workspace_id,
    };
    return run(actor, async (tx) => {
      const roles = await authorize(tx, actor, 'project.update', [id]);
      await checkGroups(tx, actor, input.team_id, input.workspace_id);
      await writing(() => updateProject(tx, id, patch));
      for (const [ext, part] of parts) await ext.update(tx, actor, id, part);
      if (input.team_id !== undefined) {
        // Attaching or detaching a team changes who holds a role here, so it is on record.
        await record(tx, actor, 'project.team_change', id, { team_id: input.team_id });
        // It can also change the actor's own role (when it ends their access, the answer keeps the old one).
        const now = (await effectiveRoles(tx, actor, 'project', [id])).get(id);
        const changed = await view(tx, actor, id, now ?? roles.get(id)!);
        await announce(tx, actor, 'PROJECT_UPDATED', changed);
        return changed;
      }
      const changed = await view(tx, actor, id, roles.get(id)!);
      await announce(tx, actor, 'PROJECT_UPDATED', changed);
      return changed;
    });
  }

  async function remove(actor: Actor, id: number): Promise<void> {
    await run(actor, async (tx) => {
      await authorize(tx, actor, 'project.delete', [id]);
      const gone = await deleteProject(tx, id);
      if (!gone) throw new AppError('not_found', `project ${id} not found`);
      await record(tx, actor, 'project.delete', id, { title: gone.title, slug: gone.slug });
      await announce(tx, actor, 'PROJECT_DELETED', { id });
    });
  }

  async function like(actor: Actor, id: number, liked: boolean) {
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'project.like', [id]);
      return setLike(tx, organizationId, id, actor.userId, liked);
    });
  }

  async function modules(actor: Actor, id: number) {
    return run(actor, async (tx) => {
      await authorize(tx, actor, 'project.read', [id]);
      return { modules: await moduleStates(tx, id) };
    });
  }

  async function updateModules(actor: Actor, id: number, enabled: readonly ModuleName[]) {
    return run(actor, async (tx, organizationId) => {
      await authorize(tx, actor, 'project.modules.update', [id]);
      await setModules(tx, organizationId, id, enabled);
      return { modules: await moduleStates(tx, id) };
    });
  }

  return { create, list, get, update, remove, like, modules, updateModules };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;
