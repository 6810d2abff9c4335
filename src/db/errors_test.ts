// What counts as "the database is unavailable": connection failures and shutdowns, not bad queries.
import { describe, expect, test } from "bun:test";
import { isDatabaseUnavailable } from "./errors.ts";

const withCode = (code: string, message = "x") => Object.assign(new Error(message), { code });
/** The shape drizzle-orm wraps every driver error in. */
const drizzleWrapped = (cause: unknown) => Object.assign(new Error("Failed query: select 1\nparams: "), { name: "DrizzleQueryError", cause });

describe("isDatabaseUnavailable()", () => {
  for (const code of ["ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "57P01", "57P02", "57P03", "53300", "08006", "08001"]) {
    test(`recognises ${code}, bare and wrapped by drizzle`, () => {
      expect(isDatabaseUnavailable(withCode(code))).toBe(true);
      expect(isDatabaseUnavailable(drizzleWrapped(withCode(code)))).toBe(true);
    });
  }

  test("recognises a closed or closing PGlite", () => {
    expect(isDatabaseUnavailable(new Error("PGlite is closed"))).toBe(true);
    expect(isDatabaseUnavailable(drizzleWrapped(new Error("PGlite is closing")))).toBe(true);
  });

  test("recognises a connection error inside an AggregateError (several addresses refused)", () => {
    expect(isDatabaseUnavailable(new AggregateError([withCode("ECONNREFUSED")], "connect failed"))).toBe(true);
  });

  test("does not treat query errors, bugs or non-errors as an outage", () => {
    for (const error of [withCode("23505", "duplicate key"), withCode("42P01", "relation does not exist"), drizzleWrapped(withCode("22P02")), new TypeError("x is undefined"), new Error("PGlite is closed, they said"), null, undefined, "ECONNREFUSED", 42]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });

  test("stops on a cyclic cause chain", () => {
    const a: Error & { cause?: unknown } = new Error("a");
    const b: Error & { cause?: unknown } = new Error("b", { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
