// Statements compiled once per shape. Building and compiling a Kysely query costs about 0.1 ms of CPU, paid on
// every request by a listing whose filters make a handful of distinct statements. `shapedStatement` builds the
// query once per shape key with named placeholders in place of the values, keeps the SQL and where each
// placeholder landed in its parameters, and afterwards only fills the parameters in.
// The key must name every choice that changes the SQL (which filters are present, the sort, null cursors);
// the values must all come through `param`: a value the builder reads from elsewhere is refused at compile time,
// since it would be frozen into the shape.
import { type Compilable, CompiledQuery } from 'kysely';
import type { Tx } from './scope.ts';

class Placeholder {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

interface Shape {
  sql: string;
  names: string[];
}

export interface ShapedStatements<V extends Record<string, unknown>> {
  /** Rows of the statement `build` makes for this shape, with `values` as its parameters. */
  rows<R>(
    tx: Tx,
    key: string,
    values: V,
    build: (param: (name: keyof V & string) => never) => Compilable<R>,
  ): Promise<R[]>;
}

export function shapedStatements<V extends Record<string, unknown>>(): ShapedStatements<V> {
  const shapes = new Map<string, Shape>();
  return {
    async rows(tx, key, values, build) {
      let shape = shapes.get(key);
      if (!shape) {
        const compiled = build((name) => new Placeholder(name) as never).compile();
        const names = compiled.parameters.map((p) => {
          if (!(p instanceof Placeholder))
            throw new Error(`statement shape ${key}: a parameter (${String(p)}) did not come from param()`);
          return p.name;
        });
        shape = { sql: compiled.sql, names };
        shapes.set(key, shape);
      }
      const parameters = shape.names.map((n) => values[n]);
      const result = await tx.executeQuery(CompiledQuery.raw(shape.sql, parameters));
      return result.rows as never;
    },
  };
}
