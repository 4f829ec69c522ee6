// Label Studio's export shapes (label_studio/data_export): the easy export's query and the snapshot records.
import Type from 'typebox';
import { Id, NullableTimestamp, Timestamp } from '../../platform/http/common.schemas.ts';

const ExportTypeName = Type.Union([
  Type.Literal('JSON'),
  Type.Literal('JSON_MIN'),
  Type.Literal('CSV'),
  Type.Literal('TSV'),
  Type.Literal('COCO'),
  Type.Literal('YOLO'),
  Type.Literal('VOC'),
  Type.Literal('CONLL2003'),
]);

export const ExportParams = Type.Object({ id: Id });
export const SnapshotParams = Type.Object({ id: Id, export_id: Id });

export const ExportQuery = Type.Object({
  exportType: Type.Optional(ExportTypeName),
  export_type: Type.Optional(ExportTypeName),
  download_all_tasks: Type.Optional(Type.Boolean({ default: false })),
  download_resources: Type.Optional(Type.Boolean({ description: 'accepted; images are never downloaded' })),
  ids: Type.Optional(Type.Array(Id, { maxItems: 10000 })),
  'ids[]': Type.Optional(
    Type.Array(Id, { maxItems: 10000, description: "the same, in Label Studio's spelling" }),
  ),
});

export const DownloadQuery = Type.Object({
  exportType: Type.Optional(ExportTypeName),
  export_type: Type.Optional(ExportTypeName),
});

const Options = Type.Record(Type.String(), Type.Unknown());

export const CreateExportBody = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 2048 })),
    task_filter_options: Type.Optional(Options),
    annotation_filter_options: Type.Optional(Options),
    serialization_options: Type.Optional(Options),
  },
  { additionalProperties: false },
);

export const ConvertBody = Type.Object({ export_type: ExportTypeName }, { additionalProperties: false });
export const ConvertAnswer = Type.Object({ export_type: Type.String(), converted_format: Id });

export const Snapshot = Type.Object({
  id: Id,
  project: Id,
  title: Type.String(),
  status: Type.Union([
    Type.Literal('created'),
    Type.Literal('in_progress'),
    Type.Literal('failed'),
    Type.Literal('completed'),
  ]),
  md5: Type.Union([Type.String(), Type.Null()]),
  counters: Type.Record(Type.String(), Type.Integer()),
  task_filter_options: Options,
  annotation_filter_options: Options,
  serialization_options: Options,
  error: Type.Union([Type.String(), Type.Null()]),
  job: Type.Union([Id, Type.Null()]),
  created_by: Type.Union([Type.Object({ id: Id }), Type.Null()]),
  created_at: Timestamp,
  finished_at: NullableTimestamp,
  converted_formats: Type.Array(Type.Object({ id: Id, export_type: Type.String(), status: Type.String() })),
});

export const SnapshotListQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1 })),
  page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
