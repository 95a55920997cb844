// Request validation with the contract's TypeBox schemas (common/api.ts), compiled by TypeBox as the app
// compiles them for answers, so both sides judge a value by the same code. A failure becomes a 400 whose code
// is bad_request or, where the schema names one (ERROR_CODE_KEYWORD), that code.
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { ERROR_CODE_KEYWORD, type ApiErrorCode } from '../../common/api';

/** A body schema every property of which is optional takes a request without a body as `{}`. */
function emptyBodyIsEmptyObject(schema: TSchema): boolean {
  const s = schema as { type?: unknown; required?: unknown };
  return s.type === 'object' && (!Array.isArray(s.required) || s.required.length === 0);
}

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  const emptyIsObject = httpPart === 'body' && emptyBodyIsEmptyObject(schema);
  return (value: unknown) => {
    // Parameters and query strings arrive as text: "25" is the integer the schema asks for.
    const input = httpPart === 'body' ? (value === null && emptyIsObject ? {} : value) : Value.Convert(schema, value);
    if (validator.Check(input)) return { value: input };
    return { error: validator.Errors(input) as never };
  };
};

interface ValidationIssue {
  schemaPath?: string;
}

/** The error code the failing part of `schema` names, if any (schemaPath is a JSON pointer like #/properties/anchor). */
export function errorCodeFor(schema: unknown, issue: ValidationIssue | undefined): ApiErrorCode | undefined {
  const path = issue?.schemaPath?.replace(/^#\/?/, '');
  let node: unknown = schema;
  for (const part of path ? path.split('/') : []) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[decodeURIComponent(part.replace(/~1/g, '/').replace(/~0/g, '~'))];
  }
  const code = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[ERROR_CODE_KEYWORD] : undefined;
  return typeof code === 'string' ? (code as ApiErrorCode) : undefined;
}
