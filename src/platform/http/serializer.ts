// Response serialization. fast-json-stringify picks the branch of an `anyOf` by running a JSON Schema validator
// on the value, for every value: a nullable timestamp is a date-time regex per field per row, which made
// serializing a page of photos cost more than the rest of the request. The schemas the serializer compiles
// (only those: the OpenAPI document and request validation keep the route's own) say the same with `type`
// lists, which it answers with a typeof check:
//   anyOf [S, {type: 'null'}]          -> S with type [S.type, 'null']
//   anyOf [{const: a}, {const: b}, ...] of one type (TypeBox's literal unions) -> {type, enum: [a, b, ...]}
// Anything else is left as written.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Json = Record<string, unknown>;

const COMBINATORS = ['anyOf', 'oneOf', 'allOf', 'not', 'if', '$ref'];

function isNull(s: Json): boolean {
  return s.type === 'null' && s.const === undefined;
}

/** A schema of one JSON type and no combinators of its own. */
function singleType(s: Json): boolean {
  return typeof s.type === 'string' && s.type !== 'null' && !COMBINATORS.some((k) => k in s);
}

function literals(options: Json[]): Json | null {
  const type = options[0]?.type;
  if (typeof type !== 'string' || type === 'null') return null;
  if (!options.every((o) => o.type === type && o.const !== undefined && Object.keys(o).length === 2))
    return null;
  return { type, enum: options.map((o) => o.const) };
}

/** Rewrites one alternative list; null when it is not one of the two shapes above. */
function simplifyUnion(options: Json[]): Json | null {
  const nulls = options.filter(isNull);
  const rest = options.filter((o) => !isNull(o));
  if (nulls.length > 1 || rest.length === 0) return null;
  let single: Json | null = null;
  if (rest.length === 1 && singleType(rest[0]!)) single = rest[0]!;
  else single = literals(rest);
  if (!single) return null;
  if (nulls.length === 0) return single;
  const out: Json = { ...single, type: [single.type as string, 'null'] };
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  return out;
}

/** A copy of `schema` with its unions rewritten for the serializer; the input is not changed. */
export function forSerializer(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forSerializer);
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(s)) out[key] = forSerializer(value);
  const union = (out.anyOf ?? out.oneOf) as Json[] | undefined;
  if (Array.isArray(union) && !(out.anyOf && out.oneOf)) {
    const simple = simplifyUnion(union);
    if (simple) {
      const { anyOf: _a, oneOf: _o, ...siblings } = out;
      return { ...siblings, ...simple };
    }
  }
  return out;
}

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/** Fastify's own serializer factory, given the rewritten response schemas. */
export function buildSerializer(
  externalSchemas: Parameters<SerializerFactory>[0],
  options: Parameters<SerializerFactory>[1],
) {
  const external =
    externalSchemas && typeof externalSchemas === 'object'
      ? Object.fromEntries(Object.entries(externalSchemas).map(([id, schema]) => [id, forSerializer(schema)]))
      : externalSchemas;
  const build = SerializerSelector()(external, options);
  return (route: Parameters<typeof build>[0]) =>
    build({ ...route, schema: forSerializer(route.schema) as never });
}
