// Private measuring script: node --expose-gc bench/profile/direct-load.mjs <dist url> [<dist url>]
// Loads with no SDK work at all (send() answers pages parsed beforehand), alternating two builds
// (or one with itself) in one process; ZOD=1 for the zod schema. Add --cpu-prof to profile.
import { SSMClient } from "@aws-sdk/client-ssm";
import { MixedTree, mixed } from "./store.mjs";

const mods = [await import(process.argv[2]), await import(process.argv[3] ?? process.argv[2])];
const PassThrough = {
  "~standard": { version: 1, vendor: "pass", validate: (value) => ({ value }) },
};
const schema = process.env.ZOD ? MixedTree : PassThrough;
const n = Number(process.env.N ?? 10000),
  root = "/bench/direct";
const store = mixed(root, n);
const names = [...store.params.keys()].sort();
function prepare() {
  const pages = new Map();
  for (let start = 0; start < names.length; start += 10) {
    const Parameters = names.slice(start, start + 10).map((name) => {
      const p = store.params.get(name);
      return JSON.parse(
        JSON.stringify({
          Name: p.name,
          Type: p.type,
          Value: p.value,
          Version: p.version,
          ARN: `arn:aws:ssm:us-east-1:1:parameter${p.name}`,
          DataType: "text",
        }),
      );
    });
    for (const p of Parameters) p.LastModifiedDate = new Date(1.7e12);
    const page = { Parameters };
    if (start + 10 < names.length) page.NextToken = String(start + 10);
    pages.set(start === 0 ? "" : String(start), page);
  }
  return pages;
}
const client = new SSMClient({ region: "us-east-1" });
let pages;
Object.defineProperty(client, "send", {
  value: async (command) => pages.get(command.input?.NextToken ?? ""),
});
const all = [[], []];
for (let r = 0; r < Number(process.env.RUNS ?? 40); r++) {
  for (const side of r % 2 ? [0, 1] : [1, 0]) {
    const m = mods[side];
    const times = all[side];
    pages = prepare();
    globalThis.gc?.();
    const s = process.cpuUsage();
    const c = m.createConfig({ schema, sources: [m.ssmSource({ client, path: root })] });
    await c.load();
    await c.close();
    const d = process.cpuUsage(s);
    if (r >= 4) times.push((d.user + d.system) / n);
  }
}
const med = (t) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)];
console.log(
  `SDK-free load (${process.env.ZOD ? "zod" : "pass-through"}): A ${med(all[0]).toFixed(2)} B ${med(all[1]).toFixed(2)} us/param`,
);
