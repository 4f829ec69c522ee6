// Label Studio's /api/ml shapes (label_studio/ml/serializers.py), plus the prediction and train job records.
import Type from 'typebox';
import { Id, NullableString, Timestamp } from '../../platform/http/common.schemas.ts';

const Url = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' });
const AuthMethod = Type.Union([Type.Literal('NONE'), Type.Literal('BASIC_AUTH')]);
const Timeout = Type.Number({ exclusiveMinimum: 0, maximum: 3600, description: 'seconds' });
const ExtraParams = Type.Record(Type.String(), Type.Unknown());

export const MlBackend = Type.Object({
  id: Type.Integer(),
  project: Type.Integer(),
  url: Type.String(),
  title: Type.String(),
  description: Type.String(),
  model_version: Type.String(),
  is_interactive: Type.Boolean(),
  timeout: Type.Number(),
  state: Type.String({ description: 'CO connected, DI disconnected, ER error, TR training, PR predicting' }),
  readable_state: Type.String(),
  error_message: Type.Union([Type.String(), Type.Null()]),
  auto_update: Type.Boolean(),
  extra_params: ExtraParams,
  auth_method: Type.String(),
  basic_auth_user: Type.Union([Type.String(), Type.Null()]),
  /** The password itself is never returned. */
  basic_auth_pass_is_set: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const MlListQuery = Type.Object({ project: Id });

const editable = {
  title: Type.Optional(Type.String({ maxLength: 500 })),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  is_interactive: Type.Optional(Type.Boolean()),
  timeout: Type.Optional(Timeout),
  auto_update: Type.Optional(Type.Boolean()),
  extra_params: Type.Optional(ExtraParams),
  model_version: Type.Optional(Type.String({ maxLength: 500 })),
  auth_method: Type.Optional(AuthMethod),
  basic_auth_user: Type.Optional(NullableString(500)),
  basic_auth_pass: Type.Optional(NullableString(500)),
};

export const CreateMlBody = Type.Object({ project: Id, url: Url, ...editable });
export const UpdateMlBody = Type.Object({ url: Type.Optional(Url), ...editable });

export const MlHealth = Type.Object({
  status: Type.Union([Type.Literal('UP'), Type.Literal('DOWN')]),
  model_class: Type.Union([Type.String(), Type.Null()]),
  error_message: Type.Union([Type.String(), Type.Null()]),
});

export const MlVersions = Type.Object({
  versions: Type.Array(Type.String()),
  message: Type.Union([Type.String(), Type.Null()]),
});

export const InteractiveBody = Type.Object({
  task: Id,
  context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const InteractiveAnswer = Type.Object({
  data: Type.Optional(Type.Unknown()),
  errors: Type.Optional(Type.Array(Type.String())),
});

/** Which tasks: explicit ids, or the data manager's selection (filters, selectedItems). */
export const SelectionBody = {
  task_ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 100000 })),
  filters: Type.Optional(Type.Unknown()),
  selectedItems: Type.Optional(Type.Unknown()),
};

export const PredictBody = Type.Object({
  ...SelectionBody,
  batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const TaskError = Type.Object({
  task: Type.Integer(),
  error: Type.String(),
  attempts: Type.Integer(),
});

export const PredictionJob = Type.Object({
  id: Type.Integer(),
  ml_backend: Type.Integer(),
  project: Type.Integer(),
  job: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.String({ description: 'the job record state: queued, running, succeeded, failed, cancelled' }),
  progress: Type.Integer(),
  model_version: Type.String(),
  batch_size: Type.Integer(),
  total_tasks: Type.Integer(),
  processed_tasks: Type.Integer(),
  predicted_tasks: Type.Integer(),
  failed_tasks: Type.Integer(),
  error_message: Type.Union([Type.String(), Type.Null()]),
  errors: Type.Array(TaskError, { description: 'the first 100 per-task errors' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const TrainJob = Type.Object({
  id: Type.Integer(),
  ml_backend: Type.Integer(),
  job: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.String(),
  response: Type.Unknown(),
  error_message: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const JobParams = Type.Object({ id: Id, job_id: Id });
