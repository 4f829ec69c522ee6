// Creating a project on behalf of another module's workflow (an approved order): the same rows the projects
// service writes (a free slug, the members), inside the caller's unit of work. The caller has already decided
// access (the projects service's own create checks project.create for the actor instead).
import type { Tx } from '../../db/scope.ts';
import type { ProjectRole } from '../../platform/access/policy.ts';
import { AppError } from '../../platform/errors.ts';
import { insertMember } from './members.repo.ts';
import { freeSlug, insertProject } from './projects.repo.ts';
import { baseSlug } from './projects.service.ts';

export interface ProvisionInput {
  title: string;
  description: string | null;
  workspaceId: number | null;
  createdBy: number;
  members: { userId: number; role: ProjectRole }[];
}

/** Inserts a project with a free slug from its title and the given members; returns its id. */
export async function provisionProject(
  tx: Tx,
  organizationId: number,
  input: ProvisionInput,
): Promise<number> {
  const base = baseSlug(input.title);
  const values = {
    title: input.title,
    description: input.description,
    visibility: 'private' as const,
    status: 'active' as const,
    teamId: null,
    workspaceId: input.workspaceId,
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    const slug = await freeSlug(tx, organizationId, base);
    const id = await insertProject(tx, organizationId, input.createdBy, { ...values, slug });
    if (id === null) continue;
    for (const m of input.members) await insertMember(tx, organizationId, id, m.userId, m.role);
    return id;
  }
  throw new AppError('conflict', 'could not find a free slug for the project; try again');
}
