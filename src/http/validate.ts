// Validation against `t` schemas: one mapper from schema errors to a 422 naming the field, for Elysia's checks and ours.
import type { Static, TSchema } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { HttpError } from "./errors.ts";
import { breaksTextPattern, CONTROL_CHARACTER_PROBLEM, hasControlCharacters } from "./text.ts";

/** One schema error, as TypeBox reports it (Elysia adds `summary`). */
export interface SchemaIssue {
  path?: string;
  value?: unknown;
  message?: string;
  summary?: string;
  schema?: { error?: unknown; pattern?: unknown; anyOf?: Array<{ pattern?: unknown }> };
}

/** "/messages/0/role" → "messages[0].role"; the root is "body". */
function fieldOf(path: string | undefined): string {
  const parts = (path ?? "").split("/").filter(Boolean);
  return parts.reduce((field, part) => (/^\d+$/.test(part) ? `${field}[${part}]` : field ? `${field}.${part}` : part), "") || "body";
}

/** Turns the first schema error into a 422 naming the bad field ("Missing field 'x'", "Invalid field 'x': …"). */
export function validationError(issue: SchemaIssue | undefined): HttpError {
  const field = fieldOf(issue?.path);
  if (issue?.message === "Unexpected property") return new HttpError("validation", `Unknown field '${field}'`, { param: field });
  if (issue?.value === undefined && field !== "body") return new HttpError("validation", `Missing field '${field}'`, { param: field });
  // Text fields refuse control characters (http/text.ts): say so rather than the field's other rules.
  if (breaksTextPattern(issue?.schema, issue?.value) || (typeof issue?.value === "string" && hasControlCharacters(issue.value, { multiline: true }))) {
    return new HttpError("validation", `Invalid field '${field}': ${CONTROL_CHARACTER_PROBLEM}`, { param: field, reason: { kind: "control_characters" } });
  }
  // A schema may say in its own words what it wants (`error: "must be …"`), else TypeBox's wording.
  const why = typeof issue?.schema?.error === "string" ? issue.schema.error : issue?.summary ?? issue?.message ?? "invalid value";
  return new HttpError("validation", `Invalid field '${field}': ${why}`, { param: field });
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** Checks `value` against `schema` (compiled once); returns it typed, or throws the 422 of its first error. */
export function parsePayload<S extends TSchema>(schema: S, value: unknown): Static<S> {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  if (check.Check(value)) return value as Static<S>;
  throw validationError(check.Errors(value).First());
}
