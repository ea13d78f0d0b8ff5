import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createConfig } from "../../../src/loader/create-config.js";
import type { ChangeNotice, ConfigSource } from "../../../src/sources/contract.js";
import { memorySource } from "../../../src/sources/memory.js";
import { ssmSource } from "../../../src/sources/ssm/index.js";
import { parameterChangeEvent } from "../../support/events.js";
import { FakeParameterStore, FakeSsmClient } from "../../support/fake-ssm.js";

const signal = new AbortController().signal;

describe("a source's share of a notice is worked out once", () => {
  it("the loader asks shareOf once per notice and source, and hands back exactly those shares", async () => {
    // Prepare
    const store = memorySource({ "/a": "1", "/b": "2" });
    const asked: string[] = [];
    const returned: unknown[] = [];
    let received: readonly unknown[] = [];
    const counting: ConfigSource = {
      description: "counting",
      load: (context) => store.load(context),
      refresh: (previous, context) => store.refresh(previous, context),
      shareOf(notice: ChangeNotice, previous) {
        asked.push(notice.kind === "secret-changed" ? "secret" : notice.name);
        const share = store.shareOf?.(notice, previous);
        if (share !== undefined) returned.push(share);
        return share;
      },
      applyNotices(previous, shares, context) {
        received = shares;
        return store.applyNotices?.(previous, shares, context) ?? Promise.resolve(previous);
      },
    };
    const config = createConfig({ schema: z.object({}).passthrough(), sources: [counting] });
    await config.load();
    store.set("/a", "changed");

    // Act
    await config.handleEvent([
      parameterChangeEvent("/a"),
      parameterChangeEvent("/unrelated"),
      parameterChangeEvent("/b"),
    ]);

    // Assess
    expect(asked).toEqual(["/a", "/unrelated", "/b"]);
    expect(received).toHaveLength(2);
    expect(received[0]).toBe(returned[0]);
    expect(received[1]).toBe(returned[1]);
    await config.close();
  });

  it("ssmSource re-reads exactly what its shares name, and claims no share of a name it does not read", async () => {
    // Prepare
    const parameters = new FakeParameterStore();
    parameters.put("/app/a", "1");
    parameters.put("/app/b", "1");
    const client = new FakeSsmClient(parameters);
    const source = ssmSource({ client, path: "/app" });
    const previous = await source.load({ signal });
    parameters.put("/app/a", "2");
    parameters.put("/app/b", "2");
    client.requests.length = 0;

    // Act
    const unrelated = source.shareOf?.({ kind: "parameter-changed", name: "/other/a" }, previous);
    const share = source.shareOf?.({ kind: "parameter-changed", name: "/app/a" }, previous);
    const next = await source.applyNotices?.(previous, [share], { signal });

    // Assess
    expect(unrelated).toBeUndefined();
    expect(client.requests.map((request) => [request.command, request.input.Names])).toEqual([
      ["GetParametersCommand", ["/app/a"]],
    ]);
    expect(next?.entries.get("a")?.value).toBe("2");
    expect(next?.entries.get("b")).toBe(previous.entries.get("b"));
  });
});
