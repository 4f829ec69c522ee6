// How a module adds its own fields to the one projects resource (the annotation module adds Label Studio's
// label_config, settings and counters). The module owns its table; the projects module calls it inside the
// same unit of work, so a create or update with module fields is one transaction.
import type { TSchema } from 'typebox';
import type { Tx } from '../../db/scope.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { ModuleName } from './projects.schemas.ts';

export interface ProjectExtension {
  /** Response properties shown beside the core fields (flat). */
  properties: Record<string, TSchema>;
  /** Optional body properties accepted by create and update. */
  input: Record<string, TSchema>;
  /** The module a create with any of `input`'s fields enables. */
  module: ModuleName;
  /** The extension's fields of each project, for a set of ids in one query (defaults when it has none). */
  load(tx: Tx, ids: readonly number[]): Promise<Map<number, Record<string, unknown>>>;
  /** Stores the fields given at create (called only when some were given). */
  create(tx: Tx, actor: Actor, projectId: number, input: Record<string, unknown>): Promise<void>;
  /** Applies an update's fields (called only when some were given, after project.update was authorized). */
  update(tx: Tx, actor: Actor, projectId: number, input: Record<string, unknown>): Promise<void>;
}

/** Splits a body into the core fields and each extension's fields (only those present). */
export function splitInput<T extends Record<string, unknown>>(
  body: T,
  extensions: readonly ProjectExtension[],
): { core: T; parts: [ProjectExtension, Record<string, unknown>][] } {
  const core: Record<string, unknown> = { ...body };
  const parts: [ProjectExtension, Record<string, unknown>][] = [];
  for (const ext of extensions) {
    const part: Record<string, unknown> = {};
    for (const key of Object.keys(ext.input)) {
      if (key in core) {
        part[key] = core[key];
        delete core[key];
      }
    }
    if (Object.keys(part).length > 0) parts.push([ext, part]);
  }
  return { core: core as T, parts };
}
