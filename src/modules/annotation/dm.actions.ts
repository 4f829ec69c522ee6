// Data manager actions (`/api/dm/actions`): bulk work on the selected tasks of a project, each one
// transaction of set-based statements over the locked selection, with counters and webhooks following.
import { inScope, type Tx } from '../../db/scope.ts';
import { authorize } from '../../platform/access/access.ts';
import { allows } from '../../platform/access/policy.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import {
  annotationsFromPredictions,
  collectDuplicates,
  deleteSelectedAnnotations,
  deleteSelectedPredictions,
  deleteTasksIn,
  lockSelection,
  predictionVersions,
  recountSelected,
} from './dm.repo.ts';
import { guardRegexes, regexTimeout } from './dm.service.ts';
import { scopeOf, type ViewsService } from './dm.views.ts';
import { compile } from './filters/compile.ts';
import { parsePrepared } from './filters/parse.ts';
import { toAnnotation } from './tasks.repo.ts';

const confirm = (text: string) => ({ text, type: 'confirm' });

/** Label Studio's action list (ids, titles, order, dialogs); every one of them needs a manager. */
export const actionList = [
  {
    id: 'remove_duplicates',
    title: 'Remove Duplicated Tasks',
    order: 1,
    experimental: false,
    dialog: confirm(
      'Confirm that you want to remove duplicated tasks with the same data fields. Duplicated tasks will be ' +
        'deleted and all annotations will be moved to the first task from duplicated tasks.',
    ),
  },
  {
    id: 'retrieve_tasks_predictions',
    title: 'Retrieve Predictions',
    order: 90,
    disabled: true,
    disabled_reason: 'ML backends are not available in Groundtruth yet',
    dialog: {
      title: 'Retrieve Predictions',
      ...confirm('Send the selected tasks to all ML backends connected to the project.'),
    },
  },
  {
    id: 'predictions_to_annotations',
    title: 'Create Annotations From Predictions',
    order: 91,
    dialog: {
      title: 'Create Annotations From Predictions',
      ...confirm(
        'Create annotations from predictions using selected predictions set for each selected task. ' +
          'Your account will be assigned as an owner to those annotations.',
      ),
    },
  },
  {
    id: 'delete_tasks',
    title: 'Delete Tasks',
    order: 100,
    reload: true,
    dialog: confirm('You are going to delete the selected tasks. Please confirm your action.'),
  },
  {
    id: 'delete_tasks_annotations',
    title: 'Delete Annotations',
    order: 101,
    dialog: confirm(
      'You are going to delete annotations from the selected tasks.\nYou can select specific annotators to ' +
        'delete annotations for.\nPlease confirm your action.',
    ),
  },
  {
    id: 'delete_tasks_predictions',
    title: 'Delete Predictions',
    order: 102,
    dialog: confirm(
      'You are going to delete all predictions from the selected tasks. Please confirm your action.',
    ),
  },
] as const;

type ActionId = (typeof actionList)[number]['id'];

const actionIds: readonly string[] = actionList.map((a) => a.id);

/** Label Studio's form for predictions_to_annotations: a select of the project's model versions. */
function withVersionForm(action: (typeof actionList)[number], versions: string[]) {
  const form = [
    {
      columnCount: 1,
      fields: [{ type: 'select', name: 'model_version', label: 'Choose predictions', options: versions }],
    },
  ];
  return { ...action, dialog: { ...action.dialog, form } };
}

export interface ActionRequest {
  id?: string;
  project: number;
  view?: number;
  body: {
    selectedItems?: unknown;
    filters?: unknown;
    ordering?: unknown;
    annotator?: number | string;
    model_version?: string | string[] | null;
  };
}

/**
 * Queues predictions for the selected tasks from the project's ML backends (the ML module provides it); runs
 * inside the action's unit of work; answers the prediction job ids.
 */
export type PredictionRetriever = (
  tx: Tx,
  actor: Actor,
  projectId: number,
  selection: { filters?: unknown; selectedItems?: unknown },
) => Promise<number[]>;

export function createActionsService(
  deps: Pick<Deps, 'database' | 'webhooks'>,
  views: ViewsService,
  retrievePredictions?: PredictionRetriever,
) {
  const { database, webhooks } = deps;
  const listed = actionList.map((a) => {
    if (a.id !== 'retrieve_tasks_predictions' || !retrievePredictions) return { ...a };
    const { disabled: _d, disabled_reason: _r, ...enabled } = a;
    return enabled;
  });

  return {
    async list(actor: Actor, projectId: number) {
      return inScope(database.db, scopeOf(actor), async (tx) => {
        const roles = await authorize(tx, actor, 'tasks.read', [projectId]);
        if (!allows('dm.actions.run', roles.get(projectId) ?? null)) return [];
        const versions = await predictionVersions(tx, projectId);
        return listed.map((a) =>
          a.id === 'predictions_to_annotations' ? withVersionForm(a, versions) : { ...a },
        );
      });
    },

    async run(actor: Actor, req: ActionRequest) {
      if (req.id === undefined)
        throw new AppError('unprocessable', `id: name the action to run (one of ${actionIds.join(', ')})`);
      if (!actionIds.includes(req.id))
        throw new AppError(
          'not_found',
          `action "${req.id.slice(0, 100)}" not found (one of ${actionIds.join(', ')})`,
        );
      const id = req.id as ActionId;
      const annotator = req.body.annotator === undefined ? null : Number(req.body.annotator);
      return inScope(database.db, scopeOf(actor), async (tx) => {
        await authorize(tx, actor, 'dm.actions.run', [req.project]);
        // The view's filters when a view is named; the selection from the body, else the view's own.
        const view = req.view !== undefined ? await views.loadForProject(tx, req.project, req.view) : null;
        const source = (
          view ? view.data : { filters: req.body.filters, ordering: req.body.ordering }
        ) as Record<string, unknown>;
        const prepared = parsePrepared(
          {
            filters: source.filters,
            ordering: source.ordering,
            selectedItems: req.body.selectedItems ?? view?.selected_items ?? undefined,
          },
          'body',
        );
        if (id === 'retrieve_tasks_predictions' && !retrievePredictions) {
          throw new AppError(
            'unprocessable',
            'retrieve_tasks_predictions is not available: no ML backends module is running',
          );
        }
        const q = compile(req.project, prepared);
        await guardRegexes(tx, q);
        const selected = await lockSelection(tx, q).catch(regexTimeout);
        if (selected === 0) throw new AppError('not_found', 'no tasks selected');
        const organizationId = actor.organizationId!;
        const project = { id: req.project };

        if (id === 'retrieve_tasks_predictions' && retrievePredictions) {
          const jobs = await retrievePredictions(tx, actor, req.project, {
            filters: source.filters,
            selectedItems: req.body.selectedItems ?? view?.selected_items ?? { all: true, excluded: [] },
          });
          return {
            processed_items: selected,
            detail: `Retrieving predictions for ${selected} tasks (prediction jobs ${jobs.join(', ')})`,
          };
        }

        if (id === 'delete_tasks') {
          const ids = await deleteTasksIn(tx, req.project, 'dm_selected');
          await webhooks.emit(tx, {
            organizationId,
            projectId: req.project,
            action: 'TASKS_DELETED',
            payload: { tasks: ids.map((i) => ({ id: i })), project },
          });
          const left = await tx
            .selectFrom('tasks')
            .select('id')
            .where('project_id', '=', req.project)
            .limit(1)
            .executeTakeFirst();
          return { processed_items: ids.length, reload: !left, detail: `Deleted ${ids.length} tasks` };
        }
        if (id === 'delete_tasks_annotations') {
          const ids = await deleteSelectedAnnotations(tx, annotator);
          await recountSelected(tx, req.project, actor.userId);
          if (ids.length) {
            await webhooks.emit(tx, {
              organizationId,
              projectId: req.project,
              action: 'ANNOTATIONS_DELETED',
              payload: { annotations: ids.map((i) => ({ id: i })), project },
            });
          }
          return { processed_items: ids.length, detail: `Deleted ${ids.length} annotations` };
        }
        if (id === 'predictions_to_annotations') {
          const mv = req.body.model_version;
          const versions = mv === undefined || mv === null ? null : [mv].flat();
          const created = await annotationsFromPredictions(tx, req.project, actor.userId, versions);
          if (created.length) {
            await recountSelected(tx, req.project, actor.userId);
            await webhooks.emit(tx, {
              organizationId,
              projectId: req.project,
              action: 'ANNOTATIONS_CREATED',
              payload: { annotation: created.map(toAnnotation), project },
            });
          }
          return { processed_items: created.length, detail: `Created ${created.length} annotations` };
        }
        if (id === 'delete_tasks_predictions') {
          const n = await deleteSelectedPredictions(tx, req.project);
          return { processed_items: n, detail: `Deleted ${n} predictions` };
        }
        // remove_duplicates
        const n = await collectDuplicates(tx);
        if (n === 0) return { processed_items: 0, reload: false, detail: 'No duplicated tasks found' };
        await recountSelected(tx, req.project, actor.userId);
        const ids = await deleteTasksIn(tx, req.project, 'dm_duplicates');
        await webhooks.emit(tx, {
          organizationId,
          projectId: req.project,
          action: 'TASKS_DELETED',
          payload: { tasks: ids.map((i) => ({ id: i })), project },
        });
        return {
          processed_items: ids.length,
          reload: true,
          detail: `Removed ${ids.length} duplicated tasks`,
        };
      });
    },
  };
}
