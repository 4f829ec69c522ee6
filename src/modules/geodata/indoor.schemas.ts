// Wire shapes of indoor projects (D2S, behind the `indoor` extension), their data files and parsed rows.
import Type from 'typebox';
import { Id, Paged, PageQuery, Timestamp } from '../../platform/http/common.schemas.ts';

const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Title = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
const Description = Nullable(Type.String({ maxLength: 10000 }));

export const IndoorProject = Type.Object({
  id: Type.Integer(),
  team_id: Nullable(Type.Integer()),
  title: Type.String(),
  description: Nullable(Type.String()),
  start_date: Nullable(Type.String()),
  end_date: Nullable(Type.String()),
  created_by: Nullable(Type.Integer()),
  role: Type.Union([Type.Literal('owner'), Type.Literal('manager'), Type.Literal('viewer')], {
    description: 'your role on the project',
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const IndoorProjectPage = Paged(IndoorProject);

export const CreateIndoorProject = Type.Object(
  {
    title: Title,
    description: Type.Optional(Description),
    start_date: Type.Optional(Nullable(DateOnly)),
    end_date: Type.Optional(Nullable(DateOnly)),
    team_id: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);

export const UpdateIndoorProject = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    start_date: Type.Optional(Nullable(DateOnly)),
    end_date: Type.Optional(Nullable(DateOnly)),
    team_id: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const IndoorProjectListQuery = Type.Object(
  {
    ...PageQuery.properties,
    search: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'part of the title' })),
    team_id: Type.Optional(Id),
  },
  { additionalProperties: false },
);

const ColumnInfo = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.Literal('number'), Type.Literal('text')]),
});

export const IndoorData = Type.Object({
  id: Type.Integer(),
  indoor_project_id: Type.Integer(),
  file_id: Nullable(Type.Integer()),
  original_name: Type.String(),
  file_type: Type.Union([Type.Literal('spreadsheet'), Type.Literal('image'), Type.Literal('other')]),
  mime_type: Nullable(Type.String()),
  size_bytes: Nullable(Type.Integer()),
  status: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')], {
    description: 'a spreadsheet is processing until its parse job stored its rows (or failed, with error)',
  }),
  error: Nullable(Type.String()),
  job_id: Nullable(Type.Integer()),
  columns: Nullable(Type.Array(ColumnInfo)),
  row_count: Nullable(Type.Integer()),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  created_by: Nullable(Type.Integer()),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const IndoorDataPage = Paged(IndoorData);

export const IndoorDataListQuery = Type.Object(
  {
    ...PageQuery.properties,
    file_type: Type.Optional(
      Type.Union([Type.Literal('spreadsheet'), Type.Literal('image'), Type.Literal('other')]),
    ),
  },
  { additionalProperties: false },
);

export const UploadJson = Type.Object(
  {
    upload_id: Type.String({
      pattern: '^[A-Za-z0-9_-]{1,128}$',
      description: 'the id of a finished tus upload of yours (/api/uploads)',
    }),
  },
  { additionalProperties: false },
);

/** Documents the multipart form; the part is read as a stream. */
export const UploadForm = Type.Unsafe<unknown>({
  type: ['object', 'null'],
  properties: {
    file: {
      type: 'string',
      format: 'binary',
      description: 'CSV, TSV or XLSX (parsed), or a PNG, JPEG, TIFF or WebP image, in a part named "file"',
    },
  },
});

/**
 * `filter[col]=value` (equals) and `contains[col]=value` (case-insensitive substring) are read from the
 * remaining query keys; each names a column of the sheet.
 */
export const RowsQuery = Type.Object(
  {
    ...PageQuery.properties,
    sort: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'a column name; a leading "-" sorts descending. Number columns sort as numbers.',
      }),
    ),
  },
  { additionalProperties: Type.String({ maxLength: 1000 }) },
);

export const RowsPage = Type.Object({
  count: Type.Integer(),
  next: Nullable(Type.String()),
  previous: Nullable(Type.String()),
  columns: Type.Array(ColumnInfo),
  results: Type.Array(
    Type.Object({
      row_number: Type.Integer(),
      values: Type.Record(Type.String(), Nullable(Type.String())),
    }),
  ),
});
