// Label Studio's project fields (writable settings and read-only counters), shown beside the core project
// fields on /api/projects. The settings live in annotation_settings (one row per annotation project).
import Type from 'typebox';

export const samplings = ['Sequential sampling', 'Uniform sampling', 'Uncertainty sampling'] as const;
export const skipQueues = ['REQUEUE_FOR_ME', 'REQUEUE_FOR_OTHERS', 'IGNORE_SKIPPED'] as const;

export const LabelConfigText = Type.String({ maxLength: 1_000_000, description: 'Label Studio XML config' });
const Text = (max: number) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);

/** The writable Label Studio settings, as create and update bodies accept them. */
export const settingsInput = {
  label_config: LabelConfigText,
  expert_instruction: Text(100_000),
  show_instruction: Type.Boolean(),
  show_skip_button: Type.Boolean(),
  enable_empty_annotation: Type.Boolean(),
  show_annotation_history: Type.Boolean(),
  maximum_annotations: Type.Integer({ minimum: 1, maximum: 10_000 }),
  overlap_cohort_percentage: Type.Integer({ minimum: 0, maximum: 100 }),
  sampling: Type.Enum(samplings),
  skip_queue: Type.Enum(skipQueues),
  show_collab_predictions: Type.Boolean(),
  show_ground_truth_first: Type.Boolean(),
  show_overlap_first: Type.Boolean(),
  evaluate_predictions_automatically: Type.Boolean(),
  reveal_preannotations_interactively: Type.Boolean(),
  min_annotations_to_start_training: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  model_version: Text(1000),
  color: Type.Union([Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' }), Type.Null()]),
  control_weights: Type.Record(Type.String(), Type.Unknown()),
  is_published: Type.Boolean(),
  is_draft: Type.Boolean(),
};

const Count = Type.Integer({ minimum: 0 });

/** What every project answer shows of Label Studio's fields (defaults for projects without labeling). */
export const settingsProperties = {
  label_config: Type.String(),
  parsed_label_config: Type.Record(Type.String(), Type.Unknown()),
  config_has_control_tags: Type.Boolean(),
  expert_instruction: Type.String(),
  show_instruction: Type.Boolean(),
  show_skip_button: Type.Boolean(),
  enable_empty_annotation: Type.Boolean(),
  show_annotation_history: Type.Boolean(),
  maximum_annotations: Type.Integer(),
  overlap_cohort_percentage: Type.Integer(),
  sampling: Type.Enum(samplings),
  skip_queue: Type.Enum(skipQueues),
  show_collab_predictions: Type.Boolean(),
  show_ground_truth_first: Type.Boolean(),
  show_overlap_first: Type.Boolean(),
  evaluate_predictions_automatically: Type.Boolean(),
  reveal_preannotations_interactively: Type.Boolean(),
  min_annotations_to_start_training: Type.Integer(),
  model_version: Type.String(),
  color: Type.String(),
  control_weights: Type.Record(Type.String(), Type.Unknown()),
  is_published: Type.Boolean(),
  is_draft: Type.Boolean(),
  task_number: Count,
  total_annotations_number: Count,
  num_tasks_with_annotations: Count,
  total_predictions_number: Count,
  skipped_annotations_number: Count,
  finished_task_number: Count,
  ground_truth_number: Count,
  useful_annotation_number: Count,
};

export const ValidateConfigBody = Type.Object(
  { label_config: LabelConfigText },
  { additionalProperties: true },
);

export const ValidateConfigAnswer = Type.Object({
  label_config: Type.String(),
  parsed_label_config: Type.Record(Type.String(), Type.Unknown()),
  config_has_control_tags: Type.Boolean(),
});

export const SummaryAnswer = Type.Object({
  project: Type.Integer(),
  all_data_columns: Type.Record(Type.String(), Type.Unknown()),
  common_data_columns: Type.Array(Type.Unknown()),
  created_annotations: Type.Record(Type.String(), Type.Unknown()),
  created_labels: Type.Record(Type.String(), Type.Unknown()),
  created_labels_drafts: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.Unsafe<Date | string>(Type.String({ format: 'date-time' })),
});
