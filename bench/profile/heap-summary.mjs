// Summarises a .heapsnapshot: self size and count per (type, name), biggest first.
import { readFileSync } from "node:fs";

const snap = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { node_fields, node_types } = snap.snapshot.meta;
const F = node_fields.length;
const iType = node_fields.indexOf("type"),
  iName = node_fields.indexOf("name"),
  iSize = node_fields.indexOf("self_size");
const types = node_types[0];
const agg = new Map();
for (let i = 0; i < snap.nodes.length; i += F) {
  const type = types[snap.nodes[i + iType]];
  let name = snap.strings[snap.nodes[i + iName]];
  if (type === "string" || type === "concatenated string" || type === "sliced string")
    name = "(string)";
  if (type === "number") name = "(heap number)";
  if (type === "code" || type === "hidden") name = name.slice(0, 40);
  const k = `${type} | ${name.slice(0, 60)}`;
  const a = agg.get(k) ?? [0, 0];
  a[0] += snap.nodes[i + iSize];
  a[1]++;
  agg.set(k, a);
}
const total = [...agg.values()].reduce((s, a) => s + a[0], 0);
console.log(`total ${(total / 1e6).toFixed(1)} MB`);
for (const [k, [size, count]] of [...agg]
  .sort((a, b) => b[1][0] - a[1][0])
  .slice(0, Number(process.argv[3] ?? 30)))
  console.log(
    `${(size / 1e3).toFixed(0).padStart(8)} KB ${String(count).padStart(8)}  ${(size / count).toFixed(0).padStart(5)} B  ${k}`,
  );
