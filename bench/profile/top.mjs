// Summarises a .cpuprofile: self time and inclusive time per function (top 35).
import { readFileSync } from "node:fs";

const p = JSON.parse(readFileSync(process.argv[2], "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = new Map();
for (let i = 0; i < p.samples.length; i++)
  dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const incl = new Map();
const label = (n) =>
  `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
for (const [id, t] of dt) {
  const n = byId.get(id);
  self.set(label(n), (self.get(label(n)) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur));
    if (seen.has(l)) continue;
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + t);
  }
}
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const filter = process.argv[3] ? new RegExp(process.argv[3]) : null;
for (const [name, m] of [
  ["SELF", self],
  ["INCLUSIVE", incl],
]) {
  console.log(`--- ${name} (total ${(total / 1000).toFixed(0)} ms)`);
  [...m]
    .filter(([l]) => !filter || filter.test(l))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 35)
    .forEach(([l, t]) => {
      console.log(`${(t / 1000).toFixed(1).padStart(8)} ms  ${l}`);
    });
}
