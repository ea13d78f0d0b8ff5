import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type KeyCase, keyOf, segmentsForName } from "../../../src/mapping/parameter-names.js";
import { keySegments } from "../../../src/sources/contract.js";
import { RequestTargets } from "../../../src/sources/ssm/targets.js";

const segment = fc.stringMatching(/^[a-z0-9._-]{0,6}$/);
/** Names as events and listings give them: with or without a leading "/", empty segments too. */
const name = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([slash, parts, trailing]) => `${slash ? "/" : ""}${parts.join("/")}${trailing ? "/" : ""}`);

describe("RequestTargets.pathRequest", () => {
  it("maps every name as segmentsForName does, on the fast path and off it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("/", "/app", "/app/prod"),
        fc.constantFrom<KeyCase>("preserve", "camel"),
        fc.oneof(
          name,
          name.map((rest) => `/app/prod/${rest}`),
        ),
        (path, keyCase, raw) => {
          const targets = new RequestTargets(path, keyCase, []);
          const full = raw.startsWith("/") ? raw : `/${raw}`;
          const expected = segmentsForName(path, full, keyCase);
          const request = targets.pathRequest(raw);
          if (!expected) {
            expect(request).toBeUndefined();
            return;
          }
          expect(request?.key).toBe(keyOf(expected));
          expect(request && keySegments(request)).toEqual(expected);
          expect(request?.name.raw).toBe(full);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("leaves out the segments of a plain name, and keeps those of a dotted one", () => {
    const targets = new RequestTargets("/app", "preserve", []);
    expect(targets.pathRequest("/app/db/host")).toEqual({
      key: "db.host",
      segments: undefined,
      name: { raw: "/app/db/host", base: "/app/db/host" },
      namePrefix: "/app/",
      origin: "path",
    });
    expect(targets.pathRequest("/app/a.b/c")?.segments).toEqual(["a.b", "c"]);
  });

  it("refuses a name whose key a binding has", () => {
    const targets = new RequestTargets("/app", "preserve", [
      {
        key: "db.host",
        name: { raw: "/shared/host", base: "/shared/host" },
        origin: "binding",
      },
    ]);
    expect(targets.pathRequest("/app/db/host")).toBeUndefined();
    expect(targets.pathRequest("/app/db/port")?.key).toBe("db.port");
  });
});
