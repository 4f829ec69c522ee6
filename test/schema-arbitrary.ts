// fast-check arbitraries from the JSON schemas of the route table: values that satisfy a schema (to get past
// validation) and values that break it (for the fuzz suite).
import fc from 'fast-check';
import type { JsonSchema } from './route-table.ts';

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  email: fc.emailAddress().filter((e) => e.length <= 254),
  uri: fc.webUrl(),
  'date-time': fc
    .date({
      min: new Date('2030-01-01T00:00:00Z'),
      max: new Date('2040-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  date: fc
    .date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
};

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  const min = (s.minLength as number | undefined) ?? 0;
  const max = Math.min((s.maxLength as number | undefined) ?? 40, min + 40);
  if (typeof s.format === 'string' && FORMATS[s.format]) return FORMATS[s.format]!;
  if (typeof s.pattern === 'string') {
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter((v) => v.length >= min && v.length <= ((s.maxLength as number) ?? 1e9));
  }
  return fc
    .string({ minLength: Math.max(min, 1), maxLength: Math.max(max, min, 1) })
    .filter((v) => v.trim().length > 0);
}

/** Values valid for `schema` (best effort over the JSON-schema subset TypeBox emits). */
export function validArb(schema: JsonSchema): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map(validArb));
  switch (schema.type) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number) ?? 0,
        max: Math.min((schema.maximum as number) ?? 1e6, 1e6),
      });
    case 'number':
      return fc.double({
        min: (schema.minimum as number) ?? 0,
        max: (schema.maximum as number) ?? 1e6,
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validArb((schema.items as JsonSchema) ?? {}), {
        minLength: (schema.minItems as number) ?? 0,
        maxLength: Math.max((schema.minItems as number) ?? 0, 3),
      });
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) shape[k] = validArb(v);
      const optional = Object.keys(props).filter((k) => !required.has(k));
      const min = (schema.minProperties as number) ?? 0;
      return fc
        .record(shape, { requiredKeys: [...required] })
        .filter((o) => Object.keys(o).length >= min || optional.length === 0);
    }
    default:
      return fc.jsonValue();
  }
}

/** One deterministic valid value. */
export function exampleOf(schema: JsonSchema, seed = 42): unknown {
  return fc.sample(validArb(schema), { numRuns: 1, seed })[0];
}

const wrongType = (schema: JsonSchema): fc.Arbitrary<unknown> => {
  switch (schema.type) {
    case 'string':
      return fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.object());
    case 'integer':
    case 'number':
      return fc.oneof(fc.string(), fc.constant(1.5), fc.constant(-1), fc.boolean(), fc.constant(2 ** 60));
    case 'boolean':
      return fc.oneof(fc.string(), fc.integer());
    case 'array':
      return fc.oneof(fc.string(), fc.integer(), fc.object());
    case 'object':
      return fc.oneof(fc.string(), fc.array(fc.integer()), fc.integer());
    default:
      return fc.constant(Symbol.for('skip'));
  }
};

/** Bodies that break `schema`: garbage, a missing required field, a wrongly typed field, an unknown field. */
export function invalidBodyArb(schema: JsonSchema): fc.Arbitrary<unknown> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = (schema.required ?? []) as string[];
  const options: fc.Arbitrary<unknown>[] = [
    fc.oneof(fc.string(), fc.integer(), fc.array(fc.jsonValue(), { maxLength: 3 }), fc.constant(null)),
  ];
  const valid = validArb(schema) as fc.Arbitrary<Record<string, unknown>>;
  if (required.length) {
    options.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([body, drop]) => {
        const copy = { ...body };
        delete copy[drop];
        return copy;
      }),
    );
  }
  const typed = Object.entries(props).filter(([, s]) => typeof s.type === 'string' && s.type !== 'null');
  if (typed.length) {
    options.push(
      fc
        .tuple(valid, fc.constantFrom(...typed))
        .chain(([body, [key, s]]) => wrongType(s).map((bad) => ({ ...body, [key]: bad }))),
    );
  }
  if (schema.additionalProperties === false) {
    options.push(valid.map((body) => ({ ...body, unexpected_field_x: 'surprise' })));
  }
  return fc.oneof(...options);
}

/** Path parameter values that are not valid ids (never `.`/`..`, which clients resolve into another path). */
export const invalidIdArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .string({ minLength: 1, maxLength: 30 })
    .filter((s) => !/^[0-9]+$/.test(s) && s.trim() === s && !s.includes('/') && !/^\.+$/.test(s)),
  fc.constantFrom('0', '-1', '1.5', '1e3', '99999999999999999999', 'null', '%00', '1;2'),
);
