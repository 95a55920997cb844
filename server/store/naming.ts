// Names are snake_case in SQL (what PostgreSQL folds unquoted names to, and what the migrations create) and
// camelCase in TypeScript. Kysely's CamelCasePlugin translates every identifier of a query as it is built and
// every row's keys as it comes back — including the statements precompiled.ts compiles once, whose compile()
// runs the plugins and whose results pass through them like any other.
import { CamelCasePlugin } from 'kysely';

export function namingPlugin(): CamelCasePlugin {
  // Column values are never objects here (JSON is stored as text), so nested keys are left as they are.
  return new CamelCasePlugin({ maintainNestedObjectKeys: true });
}
