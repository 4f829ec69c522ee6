// Label Studio's data manager shapes: views (`/api/dm/views`), columns, actions.
import Type from 'typebox';
import { Id, Timestamp } from '../../platform/http/common.schemas.ts';
import { settingsProperties } from './settings.schemas.ts';

const JsonObject = Type.Record(Type.String(), Type.Unknown());

/** A view's `data`: `{title, filters: {conjunction, items}, ordering, hiddenColumns, ...}` as the UI keeps it. */
export const ViewData = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 1000 })),
    filters: Type.Optional(
      Type.Object(
        {
          conjunction: Type.Optional(Type.String({ maxLength: 10 })),
          items: Type.Optional(Type.Array(JsonObject, { maxItems: 50 })),
        },
        { additionalProperties: true },
      ),
    ),
    ordering: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 5 })),
    hiddenColumns: Type.Optional(JsonObject),
  },
  { additionalProperties: true },
);

export const SelectedItemsSchema = Type.Object(
  {
    all: Type.Boolean(),
    included: Type.Optional(Type.Array(Id, { maxItems: 1_000_000 })),
    excluded: Type.Optional(Type.Array(Id, { maxItems: 1_000_000 })),
  },
  { additionalProperties: false },
);

export const View = Type.Object({
  id: Id,
  project: Id,
  user: Type.Union([Id, Type.Null()]),
  order: Type.Integer(),
  data: JsonObject,
  selected_items: Type.Union([JsonObject, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CreateViewBody = Type.Object(
  {
    project: Id,
    data: Type.Optional(ViewData),
    order: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
    selected_items: Type.Optional(Type.Union([SelectedItemsSchema, Type.Null()])),
  },
  { additionalProperties: true },
);

export const UpdateViewBody = Type.Object(
  {
    project: Type.Optional(Id),
    data: Type.Optional(ViewData),
    order: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
    selected_items: Type.Optional(Type.Union([SelectedItemsSchema, Type.Null()])),
  },
  { additionalProperties: true },
);

export const ProjectQuery = Type.Object({ project: Id });
export const OptionalProjectQuery = Type.Object({ project: Type.Optional(Id) });

export const Column = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    type: Type.String(),
    target: Type.String(),
  },
  { additionalProperties: true },
);
export const Columns = Type.Object({ columns: Type.Array(Column) });

export const ActionInfo = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    order: Type.Integer(),
  },
  { additionalProperties: true },
);

export const ActionQuery = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 100 })),
  project: Id,
  view: Type.Optional(Id),
});

export const ActionBody = Type.Object(
  {
    selectedItems: Type.Optional(SelectedItemsSchema),
    filters: Type.Optional(JsonObject),
    ordering: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 5 })),
    annotator: Type.Optional(Type.Union([Id, Type.String({ pattern: '^[1-9][0-9]{0,15}$' })])),
    /** predictions_to_annotations: only predictions of this model version (or these). */
    model_version: Type.Optional(
      Type.Union([
        Type.String({ maxLength: 300 }),
        Type.Array(Type.String({ maxLength: 300 }), { maxItems: 100 }),
        Type.Null(),
      ]),
    ),
  },
  { additionalProperties: true },
);

export const ActionResult = Type.Object(
  {
    processed_items: Type.Integer(),
    detail: Type.String(),
    reload: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);

export const ReorderBody = Type.Object(
  { project: Id, ids: Type.Array(Id, { maxItems: 1000 }) },
  { additionalProperties: false },
);

/** `GET /api/dm/project`: the project's Label Studio fields plus the data manager's state of it. */
export const DmProject = Type.Object({
  ...settingsProperties,
  id: Id,
  title: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
  can_delete_tasks: Type.Boolean(),
  can_manage_tasks: Type.Boolean(),
  can_manage_annotations: Type.Boolean(),
  source_syncing: Type.Boolean({ description: 'an import storage of the project is syncing' }),
  target_syncing: Type.Boolean({ description: 'an export storage of the project is syncing' }),
  task_count: Type.Integer(),
  annotation_count: Type.Integer({ description: 'annotations, cancelled ones included' }),
  config_has_control_tags: Type.Boolean(),
});
