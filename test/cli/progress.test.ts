import { describe, expect, it } from "vitest";
import { countingClient, progressReporter } from "../../src/cli/progress.js";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe("progress on stderr", () => {
  it("shows nothing when the stream is not a terminal", () => {
    const stream = fakeStream(false);

    const progress = progressReporter(stream, "Reading /app", { delayMs: 0 });
    progress.add(10);
    progress.done();

    expect(stream.writes).toEqual([]);
  });

  it("redraws a running count on a terminal and clears it when done", () => {
    const stream = fakeStream(true);

    const progress = progressReporter(stream, "Reading /app", { delayMs: 0 });
    progress.add(1);
    progress.add(10);
    progress.done();

    expect(stream.writes).toEqual([
      "\r\u001b[2KReading /app: 1 parameter",
      "\r\u001b[2KReading /app: 11 parameters",
      "\r\u001b[2K",
    ]);
  });

  it("stays silent for a listing shorter than the delay", () => {
    const stream = fakeStream(true);
    let now = 0;

    const progress = progressReporter(stream, "Reading /app", { delayMs: 250, now: () => now });
    progress.add(10);
    now = 100;
    progress.add(10);
    progress.done();

    expect(stream.writes).toEqual([]);
  });

  it("counts the parameters of every page a wrapped client receives", async () => {
    const stream = fakeStream(true);
    const progress = progressReporter(stream, "Reading", { delayMs: 0 });
    const pages = [{ Parameters: [{}, {}] }, { Parameters: [{}] }, { Other: true }];
    const client = countingClient({ send: async () => pages.shift() }, progress);

    await client.send({});
    await client.send({});
    await client.send({});

    expect(stream.writes.at(-1)).toBe("\r\u001b[2KReading: 3 parameters");
  });
});
