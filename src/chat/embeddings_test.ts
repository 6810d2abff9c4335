// The embeddings request schema: what it accepts, and the field each refusal names.
import { describe, expect, test } from "bun:test";
import { HttpError } from "../http/mod.ts";
import { parseEmbeddingsRequest } from "./embeddings.ts";

describe("parseEmbeddingsRequest()", () => {
  test("reads text, text lists and token arrays, and defaults the model", () => {
    expect(parseEmbeddingsRequest({ input: "hi" }, "demo")).toMatchObject({ model: "demo", texts: ["hi"] });
    expect(parseEmbeddingsRequest({ model: "m", input: ["a", "b"], dimensions: 8 }, "demo")).toMatchObject({ model: "m", texts: ["a", "b"] });
    expect(parseEmbeddingsRequest({ input: [[1, 2], [3]] }, "demo").texts).toEqual(["1 2", "3"]);
  });

  test("refuses dimensions written as a string, naming the field", () => {
    const error = (() => {
      try {
        parseEmbeddingsRequest({ input: "hi", dimensions: "8" }, "demo");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 422, param: "dimensions", message: "Invalid field 'dimensions': must be an integer from 1 to 4,096" });
  });
});
