// Label Studio's import shapes (label_studio/data_import/api.py): the summary an import answers and the
// import record (LSE's /api/projects/{id}/imports/{import_id}).
import Type from 'typebox';
import { Id, Timestamp } from '../../platform/http/common.schemas.ts';

export const ImportParams = Type.Object({ id: Id });
export const ImportRecordParams = Type.Object({ id: Id, import_id: Id });

export const ImportQuery = Type.Object({
  commit_to_project: Type.Optional(Type.Boolean({ default: true })),
  return_task_ids: Type.Optional(Type.Boolean({ default: false })),
  preannotated_from_fields: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 2000,
      description:
        'comma-separated data fields that hold prediction results: each becomes a prediction of its task ' +
        '(a string is read as JSON, as CSV cells hold it) and leaves the data',
    }),
  ),
  url: Type.Optional(
    Type.String({ minLength: 1, maxLength: 2048, description: 'import the file at this URL' }),
  ),
});

const TaskInput = Type.Object(
  {},
  {
    additionalProperties: true,
    description: '{data, annotations?, predictions?, meta?} or a bare data object',
  },
);

/** Documented for OpenAPI; the body is parsed as a stream, task by task, not validated as a whole. */
export const ImportBody = Type.Union([
  Type.Array(TaskInput, { minItems: 1 }),
  Type.Object({ url: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false }),
]);

export const ImportSummary = Type.Object({
  task_count: Type.Integer(),
  annotation_count: Type.Integer(),
  prediction_count: Type.Integer(),
  duration: Type.Number(),
  file_upload_ids: Type.Array(Id),
  could_be_tasks_list: Type.Boolean(),
  found_formats: Type.Record(Type.String(), Type.Integer()),
  data_columns: Type.Array(Type.String()),
  task_ids: Type.Optional(Type.Array(Id)),
  import: Id,
});

export const QueuedImport = Type.Object({
  ...ImportSummary.properties,
  job: Id,
  status: Type.Literal('queued'),
  url: Type.String({ description: 'the import record to poll' }),
  job_url: Type.String({ description: 'the job with its progress' }),
});

export const ImportRecord = Type.Object({
  id: Id,
  project: Id,
  kind: Type.Union([Type.Literal('import'), Type.Literal('reimport')]),
  status: Type.Union([
    Type.Literal('created'),
    Type.Literal('in_progress'),
    Type.Literal('failed'),
    Type.Literal('completed'),
  ]),
  task_count: Type.Integer(),
  annotation_count: Type.Integer(),
  prediction_count: Type.Integer(),
  duration: Type.Number(),
  file_upload_ids: Type.Array(Id),
  could_be_tasks_list: Type.Boolean(),
  found_formats: Type.Record(Type.String(), Type.Integer()),
  data_columns: Type.Array(Type.String()),
  commit_to_project: Type.Boolean(),
  url: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  job: Type.Union([Id, Type.Null()]),
  created_by: Type.Union([Id, Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const ReimportBody = Type.Object(
  {
    file_upload_ids: Type.Array(Id, { minItems: 1, maxItems: 100 }),
    files_as_tasks_list: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
