// The in-process Parameter Store the private measuring scripts share (bench/profile/): answers
// the SDK's own HTTP requests from memory, with N mixed parameters (String, StringList,
// SecureString) in 10 groups, and the zod schema the bench validates them with.
import { SSMClient } from "@aws-sdk/client-ssm";
import { z } from "zod";

const enc = new TextEncoder();
const dec = new TextDecoder();

class Store {
  params = new Map();
  sorted;
  cache = new Map();
  put(name, value, type = "String") {
    const prev = this.params.get(name);
    this.params.set(name, {
      name,
      type,
      value,
      version: (prev?.version ?? 0) + 1,
      modified: Math.floor(Date.now() / 1000),
    });
    this.cache.clear();
    if (!prev) this.sorted = undefined;
  }
  client() {
    return new SSMClient({
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
      maxAttempts: 1,
      requestHandler: { handle: async (req) => ({ response: this.respond(req) }) },
    });
  }
  respond(req) {
    const t = String(req.headers["x-amz-target"] ?? "");
    const op = t.slice(t.indexOf(".") + 1);
    const body = req.body;
    const input = JSON.parse(
      (typeof body === "string" ? body : body instanceof Uint8Array ? dec.decode(body) : "{}") ||
        "{}",
    );
    const answer = this.answer(op, input);
    return {
      statusCode: 200,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "x" },
      body: enc.encode(JSON.stringify(answer)),
    };
  }
  answer(op, input) {
    if (op === "GetParametersByPath")
      return page(this.under(input.Path), input.NextToken, 10, full);
    if (op === "GetParameters") {
      const found = input.Names.map((n) => this.params.get(n));
      return {
        Parameters: found.filter(Boolean).map(full),
        InvalidParameters: input.Names.filter((_, i) => !found[i]),
      };
    }
    if (op === "DescribeParameters") {
      let matched = [];
      for (const f of input.ParameterFilters ?? []) {
        if (f.Key === "Path") matched = this.under(f.Values[0]);
        else if (f.Key === "Name")
          matched = f.Values.map((n) => this.params.get(n)).filter(Boolean);
      }
      return page(matched, input.NextToken, 50, (p) => ({
        Name: p.name,
        Type: p.type,
        Version: p.version,
        LastModifiedDate: p.modified,
        DataType: "text",
        Tier: "Standard",
        Policies: [],
      }));
    }
    throw new Error(op);
  }
  under(path) {
    const c = this.cache.get(path);
    if (c) return c;
    this.sorted ??= [...this.params.keys()].sort();
    const prefix = `${path.replace(/\/+$/, "")}/`;
    const r = this.sorted.filter((n) => n.startsWith(prefix)).map((n) => this.params.get(n));
    this.cache.set(path, r);
    return r;
  }
}
function full(p) {
  return {
    Name: p.name,
    Type: p.type,
    Value: p.value,
    Version: p.version,
    LastModifiedDate: p.modified,
    ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${p.name}`,
    DataType: "text",
  };
}
function page(items, token, size, shape) {
  const start = token ? Number(token) : 0;
  const r = { Parameters: items.slice(start, start + size).map(shape) };
  if (start + size < items.length) r.NextToken = String(start + size);
  return r;
}
const typeFor = (i) => ["String", "StringList", "SecureString"][i % 3];
const valueFor = (i, type, g = 0) =>
  type === "StringList"
    ? `alpha-${i},beta-${g},gamma-${i}`
    : type === "SecureString"
      ? `s3cr3t-${i}-${g}-0123456789abcdef`
      : `value-${i}-${g}-lorem-ipsum`;
const nameOf = (root, i) => `${root}/g${i % 10}/p${i}`;
function mixed(root, n) {
  const s = new Store();
  for (let i = 0; i < n; i++) s.put(nameOf(root, i), valueFor(i, typeFor(i)), typeFor(i));
  return s;
}
const MixedTree = z.record(
  z.string(),
  z.record(z.string(), z.union([z.string(), z.array(z.string())])),
);

export { MixedTree, mixed, nameOf, Store, valueFor };
