// Request and response shapes of the geodata module (seed 000, D2S).
import Type from 'typebox';
import { Id, PageQuery, Timestamp } from '../../platform/http/common.schemas.ts';

export const sensors = ['RGB', 'Multispectral', 'LiDAR', 'Thermal', 'Hyperspectral', 'Other'] as const;
export const dataTypes = [
  'ortho',
  'dsm',
  'dtm',
  'chm',
  'ndvi',
  'ndre',
  'exg',
  'vari',
  'gli',
  'point_cloud',
  'other',
] as const;
export const productStatuses = ['pending', 'processing', 'ready', 'failed'] as const;

const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const NullableDate = Type.Union([DateOnly, Type.Null()]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const JsonObject = Type.Record(Type.String(), Type.Unknown());

export const ProjectParams = Type.Object({ id: Id });

// Geometry is checked by geometry.ts (422 with the reason), so the schema only asks for an object.
export const LocationBody = Type.Object(
  { geometry: Type.Object({ type: Type.String({ maxLength: 64 }) }, { additionalProperties: true }) },
  { additionalProperties: false },
);
export const Location = Type.Object({
  project_id: Id,
  geometry: JsonObject,
  bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  area_m2: Type.Number(),
  centroid: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
  measured_by: Type.Union([Type.Literal('postgis'), Type.Literal('typescript')]),
  updated_at: Timestamp,
});

export const GeoFields = Type.Object({
  project_id: Id,
  planting_date: NullableDate,
  harvest_date: NullableDate,
  is_published: Type.Boolean(),
  published_at: Nullable(Timestamp),
});
export const GeoFieldsBody = Type.Object(
  { planting_date: Type.Optional(NullableDate), harvest_date: Type.Optional(NullableDate) },
  { additionalProperties: false },
);

export const CampaignBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 10000 }))),
    lead_id: Type.Optional(Nullable(Id)),
    form_data: Type.Optional(JsonObject),
    template: Type.Optional(JsonObject),
  },
  { additionalProperties: false },
);
export const Campaign = Type.Object({
  id: Id,
  project_id: Id,
  title: Type.String(),
  description: Nullable(Type.String()),
  lead_id: Nullable(Id),
  form_data: JsonObject,
  template: JsonObject,
  is_active: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const flightFields = {
  name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }))),
  campaign_id: Type.Optional(Nullable(Id)),
  acquisition_date: DateOnly,
  altitude: Type.Number({ exclusiveMinimum: 0, maximum: 10000, description: 'metres above ground' }),
  side_overlap: Type.Number({ minimum: 0, exclusiveMaximum: 100, description: 'percent' }),
  forward_overlap: Type.Number({ minimum: 0, exclusiveMaximum: 100, description: 'percent' }),
  sensor: Type.Enum(sensors),
  platform: Type.String({ minLength: 1, maxLength: 255 }),
  pilot_id: Id,
};
export const FlightBody = Type.Object(flightFields, { additionalProperties: false });
export const FlightPatch = Type.Object(
  {
    name: flightFields.name,
    campaign_id: flightFields.campaign_id,
    acquisition_date: Type.Optional(flightFields.acquisition_date),
    altitude: Type.Optional(flightFields.altitude),
    side_overlap: Type.Optional(flightFields.side_overlap),
    forward_overlap: Type.Optional(flightFields.forward_overlap),
    sensor: Type.Optional(flightFields.sensor),
    platform: Type.Optional(flightFields.platform),
    pilot_id: Type.Optional(flightFields.pilot_id),
    read_only: Type.Optional(
      Type.Boolean({ description: 'true locks the flight: later changes answer 400' }),
    ),
  },
  { additionalProperties: false },
);
export const Flight = Type.Object({
  id: Id,
  project_id: Id,
  campaign_id: Nullable(Id),
  name: Nullable(Type.String()),
  acquisition_date: DateOnly,
  altitude: Type.Number(),
  side_overlap: Type.Number(),
  forward_overlap: Type.Number(),
  sensor: Type.Enum(sensors),
  platform: Type.String(),
  pilot_id: Nullable(Id),
  read_only: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const FlightListQuery = Type.Object(
  {
    ...PageQuery.properties,
    date_from: Type.Optional(DateOnly),
    date_to: Type.Optional(DateOnly),
    sensor: Type.Optional(Type.Enum(sensors)),
  },
  { additionalProperties: false },
);

export const DataProductBody = Type.Object(
  {
    file_id: Id,
    data_type: Type.Enum(dataTypes),
  },
  { additionalProperties: false },
);
export const DataProduct = Type.Object({
  id: Id,
  project_id: Id,
  flight_id: Id,
  data_type: Type.Enum(dataTypes),
  original_name: Type.String(),
  file_id: Nullable(Id),
  status: Type.Enum(productStatuses),
  job_id: Nullable(Id),
  error: Nullable(Type.String()),
  crs: Nullable(Type.String()),
  epsg: Nullable(Type.Integer()),
  bounds: Nullable(Type.Array(Type.Number())),
  bounds_4326: Nullable(Type.Array(Type.Number())),
  band_count: Nullable(Type.Integer()),
  resolution: Nullable(Type.Array(Type.Number())),
  point_count: Nullable(Type.Integer()),
  cog_file_id: Nullable(Id),
  tiles_url: Nullable(Type.String({ description: 'XYZ template of the PNG tiles, once the COG exists' })),
  is_public: Type.Boolean({ description: 'its own permission is public, or its project is published' }),
  stats: Type.Array(JsonObject, { description: 'per-band statistics, band order' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export const DataProductListQuery = Type.Object(
  {
    ...PageQuery.properties,
    data_type: Type.Optional(Type.Enum(dataTypes)),
    status: Type.Optional(Type.Enum(productStatuses)),
  },
  { additionalProperties: false },
);

export const PermissionBody = Type.Object({ public: Type.Boolean() }, { additionalProperties: false });
export const Permission = Type.Object({
  data_product_id: Id,
  public: Type.Boolean(),
  project_published: Type.Boolean(),
  token: Nullable(Type.String({ description: 'the share token of GET /api/public/data-products/{token}' })),
  public_url: Nullable(Type.String()),
});
export const TokenParams = Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) });

export const StyleBody = Type.Object(
  {
    colormap: Type.Optional(Type.String({ pattern: '^[a-z0-9_]{1,32}$' })),
    min_value: Type.Optional(Nullable(Type.Number())),
    max_value: Type.Optional(Nullable(Type.Number())),
    band_order: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 10000 }), { maxItems: 4 })),
    opacity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    settings: Type.Optional(JsonObject),
  },
  { additionalProperties: false },
);
export const Style = Type.Object({
  data_product_id: Id,
  colormap: Type.String(),
  min_value: Nullable(Type.Number()),
  max_value: Nullable(Type.Number()),
  band_order: Type.Array(Type.Integer()),
  opacity: Type.Number(),
  settings: JsonObject,
  updated_at: Timestamp,
});
export const StyleParams = Type.Object({ data_product_id: Id });

export const VectorLayerBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    data: Type.Object(
      {
        type: Type.Literal('FeatureCollection'),
        features: Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 50000 }),
      },
      { additionalProperties: true, description: 'a GeoJSON FeatureCollection in EPSG:4326' },
    ),
  },
  { additionalProperties: false },
);
export const VectorLayer = Type.Object({
  id: Id,
  project_id: Id,
  name: Type.String(),
  source_format: Type.String(),
  feature_count: Type.Integer(),
  bbox: Nullable(Type.Array(Type.Number())),
  created_at: Timestamp,
});
export const FeaturesQuery = Type.Object(
  {
    bbox: Type.Optional(
      Type.String({
        pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$',
        maxLength: 100,
        description: 'min_lon,min_lat,max_lon,max_lat',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000 })),
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'feature id to continue after' })),
  },
  { additionalProperties: false },
);
export const FeatureCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Id,
      geometry: JsonObject,
      properties: JsonObject,
    }),
  ),
  next_after: Nullable(Type.Integer({ description: 'pass as `after` for the next page' })),
});

export const ShortLinkBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^/([^/\\\\].*)?$',
      description: 'a path on this server (short links never point elsewhere)',
    }),
  },
  { additionalProperties: false },
);
export const ShortLink = Type.Object({ code: Type.String(), short_url: Type.String(), url: Type.String() });
export const CodeParams = Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9_-]{6,64}$' }) });
