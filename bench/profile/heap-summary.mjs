// Summarises a .heapsnapshot: self size and count per (type, name), biggest first. With a second
// snapshot, prints what the second holds beyond the first, per parameter (N, default 10,000):
//   node bench/profile/heap-summary.mjs /tmp/a.heapsnapshot [/tmp/b.heapsnapshot] [rows]
import { readFileSync } from "node:fs";

function aggregate(file) {
  const snap = JSON.parse(readFileSync(file, "utf8"));
  const { node_fields, node_types } = snap.snapshot.meta;
  const F = node_fields.length;
  const iType = node_fields.indexOf("type");
  const iName = node_fields.indexOf("name");
  const iSize = node_fields.indexOf("self_size");
  const types = node_types[0];
  const agg = new Map();
  for (let i = 0; i < snap.nodes.length; i += F) {
    const type = types[snap.nodes[i + iType]];
    let name = snap.strings[snap.nodes[i + iName]];
    if (type.includes("string")) name = "(string)";
    if (type === "number") name = "(heap number)";
    if (type === "code" || type === "hidden" || type === "closure") name = name.slice(0, 40);
    const k = `${type} | ${name.slice(0, 60)}`;
    const a = agg.get(k) ?? [0, 0];
    a[0] += snap.nodes[i + iSize];
    a[1]++;
    agg.set(k, a);
  }
  return agg;
}

const [first, second, rowsArg] = process.argv.slice(2);
const rows = Number((second && !second.endsWith(".heapsnapshot") ? second : rowsArg) ?? 30);
const base = aggregate(first);
if (second?.endsWith(".heapsnapshot")) {
  const n = Number(process.env.N ?? 10_000);
  const after = aggregate(second);
  const deltas = [];
  for (const k of new Set([...base.keys(), ...after.keys()])) {
    const [s1, c1] = after.get(k) ?? [0, 0];
    const [s0, c0] = base.get(k) ?? [0, 0];
    deltas.push([k, s1 - s0, c1 - c0]);
  }
  const total = deltas.reduce((sum, [, size]) => sum + size, 0);
  console.log(
    `held beyond the first snapshot: ${(total / n).toFixed(1)} B per parameter (N = ${n})`,
  );
  for (const [k, size, count] of deltas
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, rows))
    console.log(
      `${(size / n).toFixed(1).padStart(8)} B/p ${String(count).padStart(8)}  ${(count ? size / count : 0).toFixed(0).padStart(5)} B  ${k}`,
    );
} else {
  const total = [...base.values()].reduce((s, a) => s + a[0], 0);
  console.log(`total ${(total / 1e6).toFixed(1)} MB`);
  for (const [k, [size, count]] of [...base].sort((a, b) => b[1][0] - a[1][0]).slice(0, rows))
    console.log(
      `${(size / 1e3).toFixed(0).padStart(8)} KB ${String(count).padStart(8)}  ${(size / count).toFixed(0).padStart(5)} B  ${k}`,
    );
}
