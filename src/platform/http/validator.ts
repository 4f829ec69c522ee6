// Schema validation for every route. Bodies are checked as sent. Path, query and header values arrive as
// strings and are converted strictly by their schema: "12" is an integer, "1.5", "1e3" or "12abc" are not
// (TypeBox's own conversion would read "1.5" as 1 and act on the wrong row).
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

type Json = Record<string, unknown>;

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

function types(schema: Json): string[] {
  const alternatives = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (alternatives) return alternatives.flatMap(types);
  return typeof schema.type === 'string'
    ? [schema.type]
    : Array.isArray(schema.type)
      ? (schema.type as string[])
      : [];
}

function convertScalar(schema: Json, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const t = types(schema);
  if (t.includes('string')) return value;
  if (t.includes('integer') && INTEGER.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value;
  }
  if (t.includes('number') && NUMBER.test(value)) return Number(value);
  if (t.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  if (t.includes('null') && value === 'null') return null;
  return value;
}

function convertObject(schema: Json, value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, propSchema] of Object.entries(props)) {
    const v = out[key];
    if (v === undefined) continue;
    if (types(propSchema).includes('array') && propSchema.items) {
      const items = Array.isArray(v) ? v : [v];
      out[key] = items.map((item) => convertScalar(propSchema.items as Json, item));
    } else {
      out[key] = convertScalar(propSchema, v);
    }
  }
  return out;
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    const converted = httpPart === 'body' ? value : convertObject(schema as unknown as Json, value);
    if (check.Check(converted)) return { value: converted };
    return { error: check.Errors(converted) as never };
  };
};
