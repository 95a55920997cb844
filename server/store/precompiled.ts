// Kysely builds and compiles a query on every call — on SQLite about three times what running the statement
// costs. The few statements every webhook delivery runs are compiled once per connection handle (the store,
// or one transaction) and then executed with new parameters: the same SQL on SQLite and PostgreSQL, still
// written with the query builder and checked by its types.
import type { CompiledQuery, Compilable, QueryResult } from 'kysely';
import type { Queryable } from './database';

/** A value that stands for argument i while the query is compiled. */
const marker = (i: number): string => `\u0000hardbound-argument-${i}\u0000`;

interface Template {
  compiled: CompiledQuery<unknown>;
  /** For each compiled parameter: the argument it takes, or -1 for a constant the builder put there itself. */
  slots: number[];
}

/**
 * `build` receives stand-ins for the arguments and must hand them to the query builder untouched (as values in
 * where, values or set); anything it computes from them would be computed once, from the stand-in. Compiling
 * checks that: each argument must come out as exactly one bound parameter, none inlined into the SQL.
 */
export function precompiled<Args extends unknown[], Row>(
  build: (db: Queryable, ...args: Args) => Compilable<Row>,
): (db: Queryable, ...args: Args) => Promise<QueryResult<Row>> {
  const templates = new WeakMap<Queryable, Template>();
  const arity = build.length - 1;

  const compile = (db: Queryable): Template => {
    const stand = Array.from({ length: arity }, (_, i) => marker(i)) as Args;
    const compiled = build(db, ...stand).compile() as CompiledQuery<unknown>;
    const slots = compiled.parameters.map((value) => (typeof value === 'string' ? stand.indexOf(value) : -1));
    for (let i = 0; i < arity; i += 1) {
      if (compiled.sql.includes(marker(i)) || slots.filter((slot) => slot === i).length !== 1) {
        throw new Error(`precompiled query: argument ${i} must be bound as exactly one parameter (${compiled.sql.replaceAll('\u0000', '')})`);
      }
    }
    return { compiled, slots };
  };

  return async (db, ...args) => {
    let template = templates.get(db);
    if (template === undefined) {
      template = compile(db);
      templates.set(db, template);
    }
    const { compiled, slots } = template;
    const parameters = slots.map((slot, i) => (slot < 0 ? compiled.parameters[i] : args[slot]));
    return db.executeQuery({ ...compiled, parameters } as CompiledQuery<Row>);
  };
}
