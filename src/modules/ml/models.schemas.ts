// Model provider connections, model interfaces ("prompts"), third-party model versions and model runs
// (Label Studio's ml_model_providers and ml_models apps).
import Type from 'typebox';
import { Id, NullableString, Timestamp } from '../../platform/http/common.schemas.ts';
import { SelectionBody, TaskError } from './ml.schemas.ts';

const Provider = Type.Union([Type.Literal('OpenAI'), Type.Literal('AzureOpenAI'), Type.Literal('Custom')]);
const Endpoint = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' });

export const Connection = Type.Object({
  id: Type.Integer(),
  provider: Type.String(),
  project: Type.Union([Type.Integer(), Type.Null()]),
  endpoint: Type.Union([Type.String(), Type.Null()]),
  deployment_name: Type.Union([Type.String(), Type.Null()]),
  api_version: Type.Union([Type.String(), Type.Null()]),
  /** Never the key: whether one is set, and its last four characters. */
  api_key_is_set: Type.Boolean(),
  api_key_hint: Type.Union([Type.String(), Type.Null()]),
  is_active: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const connectionFields = {
  project: Type.Optional(Type.Union([Id, Type.Null()])),
  api_key: Type.Optional(NullableString(500)),
  endpoint: Type.Optional(Type.Union([Endpoint, Type.Null()])),
  deployment_name: Type.Optional(NullableString(200)),
  api_version: Type.Optional(NullableString(50)),
  is_active: Type.Optional(Type.Boolean()),
};

export const CreateConnectionBody = Type.Object({ provider: Provider, ...connectionFields });
export const UpdateConnectionBody = Type.Object({ provider: Type.Optional(Provider), ...connectionFields });

export const ModelInterface = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  skill_name: Type.String(),
  project: Type.Union([Type.Integer(), Type.Null()]),
  input_fields: Type.Array(Type.String()),
  output_classes: Type.Array(Type.String()),
  associated_projects: Type.Array(Type.Integer()),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Names = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 200 });
const interfaceFields = {
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  skill_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  project: Type.Optional(Type.Union([Id, Type.Null()])),
  input_fields: Type.Optional(Names),
  output_classes: Type.Optional(Names),
  associated_projects: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
};
const Title = Type.String({ minLength: 1, maxLength: 500 });
export const CreateInterfaceBody = Type.Object({ title: Title, ...interfaceFields });
export const UpdateInterfaceBody = Type.Object({ title: Type.Optional(Title), ...interfaceFields });

export const ModelVersion = Type.Object({
  id: Type.Integer(),
  parent_model: Type.Integer(),
  title: Type.String(),
  provider: Type.String(),
  provider_model_id: Type.String(),
  prompt: Type.String(),
  model_provider_connection: Type.Union([Type.Integer(), Type.Null()]),
  is_default: Type.Boolean(),
  model_metadata: Type.Record(Type.String(), Type.Unknown()),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CreateVersionBody = Type.Object({
  title: Title,
  provider: Type.Optional(Provider),
  provider_model_id: Type.String({ minLength: 1, maxLength: 200 }),
  prompt: Type.String({ minLength: 1, maxLength: 50000 }),
  model_provider_connection: Id,
  is_default: Type.Optional(Type.Boolean()),
  model_metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

export const VersionParams = Type.Object({ id: Id, version_id: Id });

export const RunBody = Type.Object({
  project: Id,
  ...SelectionBody,
  timeout: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 3600, description: 'seconds per call' }),
  ),
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
});

export const ModelRun = Type.Object({
  id: Type.Integer(),
  parent_model: Type.Integer(),
  model_version: Type.Integer(),
  project: Type.Integer(),
  job: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.String({ description: 'Pending, InProgress, Completed, Failed, Canceled' }),
  timeout: Type.Number(),
  retries: Type.Integer(),
  total_tasks: Type.Integer(),
  total_predictions: Type.Integer(),
  failed_tasks: Type.Integer(),
  error_message: Type.Union([Type.String(), Type.Null()]),
  errors: Type.Array(TaskError, { description: 'the first 100 per-task errors' }),
  created_at: Timestamp,
  updated_at: Timestamp,
  completed_at: Type.Union([Timestamp, Type.Null()]),
});
