// Whole numbers in JSON bodies: a JSON number, never a string that reads as one.
import { type IntegerOptions, Type } from "@sinclair/typebox";

/**
 * An integer field of a JSON body. Elysia's `t.Integer` also takes "5" (it is made for query strings and path
 * parameters, which are always text), so body fields written with it took strings where the API answers 422;
 * this is TypeBox's own. Console forms read their text as numbers before they check it against these schemas.
 */
export function jsonInteger(options: IntegerOptions = {}) {
  return Type.Integer(options);
}
