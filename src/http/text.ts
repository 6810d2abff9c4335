// Text fields refuse NUL and other control characters (PostgreSQL refuses NUL; the rest only hides things): one
// definition for the request schemas and for services that take form input.
import { t } from "elysia";

type StringOptions = NonNullable<Parameters<typeof t.String>[0]>;

/** C0 controls and DEL, except tab, newline and carriage return. */
const CONTROLS = "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F";
/** A schema `pattern` for one-line text: no control characters at all. */
export const SINGLE_LINE_PATTERN = `^[^${CONTROLS}\\u0009\\u000A\\u000D]*$`;
/** A schema `pattern` for one-line text that is not all blank (names). */
export const VISIBLE_LINE_PATTERN = `^(?=.*\\S)[^${CONTROLS}\\u0009\\u000A\\u000D]*$`;
/** A schema `pattern` for multi-line text: tab and line breaks allowed, other control characters not. */
export const MULTILINE_PATTERN = `^[^${CONTROLS}]*$`;
const SINGLE_LINE = new RegExp(SINGLE_LINE_PATTERN);
const MULTILINE = new RegExp(MULTILINE_PATTERN);

/** What a 422 says about a field holding a control character. */
export const CONTROL_CHARACTER_PROBLEM = "must not contain control characters (such as NUL)";

/** A `t.String` for one-line text (names, emails); `visible`: not all blank. */
export function singleLineText(options: StringOptions & { visible?: boolean } = {}) {
  const { visible, ...rest } = options;
  return t.String({ ...rest, pattern: visible ? VISIBLE_LINE_PATTERN : SINGLE_LINE_PATTERN });
}

/** A `t.String` for text that may span lines (descriptions, messages). */
export function multilineText(options: StringOptions = {}) {
  return t.String({ ...options, pattern: MULTILINE_PATTERN });
}

/** True when `value` breaks the text pattern of `schema` (or of a member of its union): the field's problem is a control character. */
export function breaksTextPattern(schema: { pattern?: unknown; anyOf?: Array<{ pattern?: unknown }> } | undefined, value: unknown): boolean {
  if (typeof value !== "string" || !schema) return false;
  const pattern = [schema.pattern, ...(schema.anyOf ?? []).map((member) => member.pattern)].find((p) => p === SINGLE_LINE_PATTERN || p === MULTILINE_PATTERN);
  return pattern !== undefined && !(pattern === SINGLE_LINE_PATTERN ? SINGLE_LINE : MULTILINE).test(value);
}

/** True when `value` holds a control character (tab and line breaks count only when not `multiline`). */
export function hasControlCharacters(value: string, options: { multiline?: boolean } = {}): boolean {
  return !(options.multiline ? MULTILINE : SINGLE_LINE).test(value);
}
