import { withLeadingSlash } from "../mapping/parameter-names.js";
import type { ChangeNotice } from "../sources/contract.js";

/**
 * An event handed to `handleEvent` (or read from SQS) is not one of the shapes it accepts, or
 * could not be read at all (a revoked Proxy, a getter that throws, more records than a Lambda
 * batch holds). It is a `TypeError`, so `instanceof TypeError` holds, and `isConfigError`
 * recognises it; `cause` holds whatever reading the input threw. Nothing was changed.
 *
 * @example
 * await config.handleEvent(body).catch((error) => {
 *   if (error instanceof EventFormatError) log.warn("not a change event", error.message);
 * });
 */
export class EventFormatError extends TypeError {
  override readonly name = "EventFormatError" as const;

  /** Always true; lets `isConfigError` recognise this error while it stays a `TypeError`. */
  get isConfigError(): true {
    return true;
  }
}

/** The CloudTrail calls that change a secret's current value or stage. */
const SECRET_WRITE_CALLS = new Set([
  "PutSecretValue",
  "UpdateSecret",
  "RotateSecret",
  "UpdateSecretVersionStage",
]);
/** SNS envelopes that are not notifications (subscription bookkeeping). */
const SNS_CONTROL_TYPES = new Set(["SubscriptionConfirmation", "UnsubscribeConfirmation"]);

// Bounds on the work one input may cause, so that hostile or accidental input is refused in
// time proportional to what AWS itself could send.
/** Nesting allowed for SQS bodies in SNS envelopes in arrays. */
const MAX_DEPTH = 6;
/** Array items (events, records, resources) read from one input: a Lambda SQS batch holds at most 10,000 records. */
const MAX_EVENT_ITEMS = 10_000;
/** Characters of one JSON body: SQS messages are at most 1 MiB, EventBridge and SNS ones 256 KB. */
const MAX_EVENT_BODY_CHARS = 1_048_576;
/** Characters of all JSON bodies of one input: a Lambda invocation carries at most 6 MB. */
const MAX_TOTAL_BODY_CHARS = 8 * MAX_EVENT_BODY_CHARS;
/** Parameter names and secret ids (names or ARNs) are at most 2,048 characters. */
const MAX_ID_CHARS = 2_048;

/** What one call of {@link parseChangeEvent} may still spend. */
interface Budget {
  items: number;
  chars: number;
}

/** The errors this module throws on purpose, told apart from anything a hostile input throws. */
const ours = new WeakSet<object>();

function formatError(message: string): EventFormatError {
  const error = new EventFormatError(message);
  ours.add(error);
  return error;
}

/**
 * Distils what an AWS change event names: parameters, secrets, policy actions. Accepts an
 * EventBridge event, an array of them, an SQS message body (JSON text), an SNS envelope, or a
 * Lambda SQS/SNS event. Well-formed events of other kinds yield no notice; anything else throws
 * an {@link EventFormatError}, whatever the input does when read: it is read as plain data
 * (own data properties only, never a getter, never the input's own methods), within fixed
 * bounds of nesting, items and characters.
 */
export function parseChangeEvent(input: unknown): ChangeNotice[] {
  try {
    return parseInput(input, 0, { items: MAX_EVENT_ITEMS, chars: MAX_TOTAL_BODY_CHARS });
  } catch (error) {
    // WeakSet.has never runs code of the thrown value (instanceof would: a Proxy's trap).
    if (typeof error === "object" && error !== null && ours.has(error)) throw error;
    throw new EventFormatError(
      "Event could not be read: reading it threw (see cause). Pass plain data, such as the parsed JSON of an EventBridge event.",
      { cause: error },
    );
  }
}

function parseInput(input: unknown, depth: number, budget: Budget): ChangeNotice[] {
  if (depth > MAX_DEPTH) throw formatError("Event is nested too deeply to be an AWS change event.");
  if (typeof input === "string") return parseInput(parseJson(input, budget), depth + 1, budget);
  if (Array.isArray(input)) {
    const notices: ChangeNotice[] = [];
    for (const item of items(input, budget, "Event array")) {
      for (const notice of parseInput(item, depth + 1, budget)) notices.push(notice);
    }
    return notices;
  }
  if (!isRecord(input)) {
    throw formatError(
      `Expected an EventBridge event, an SQS message body, an SNS envelope or a Lambda SQS event, got ${input === null ? "null" : typeof input}.`,
    );
  }
  const records = read(input, "Records");
  if (Array.isArray(records)) {
    const notices: ChangeNotice[] = [];
    const list = items(records, budget, "Records");
    for (let index = 0; index < list.length; index++) {
      const body = recordBody(list[index], index);
      for (const notice of parseInput(body, depth + 1, budget)) notices.push(notice);
    }
    return notices;
  }
  const type = text(read(input, "Type"));
  const message = read(input, "Message");
  if (type === "Notification" && typeof message === "string") {
    return parseInput(message, depth + 1, budget);
  }
  // SNS delivers these to a subscribed queue too: well-formed, and about nothing we hold.
  if (type !== undefined && SNS_CONTROL_TYPES.has(type) && typeof message === "string") return [];
  const detailType = read(input, "detail-type");
  if (typeof detailType === "string") return parseEventBridge(detailType, input, budget);
  throw formatError(
    'Expected an EventBridge event ("detail-type", "source", "detail"), an SNS envelope or a Lambda SQS event ("Records").',
  );
}

/**
 * The value of an own data property, or `undefined`. Never runs a getter, and never looks at
 * the prototype chain: AWS events are parsed JSON, which has neither.
 */
function read(value: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(value, key);
  return descriptor !== undefined && "value" in descriptor ? descriptor.value : undefined;
}

/** The items of an array, read by index (never through its own, possibly replaced, methods). */
function items(array: readonly unknown[], budget: Budget, what: string): unknown[] {
  const length = read(array, "length");
  if (typeof length !== "number" || !Number.isSafeInteger(length) || length < 0) {
    throw formatError(`${what} has no valid length.`);
  }
  if (length > budget.items) {
    throw formatError(
      `${what} holds more than ${MAX_EVENT_ITEMS} events, records or resources in all; split the input.`,
    );
  }
  budget.items -= length;
  const result: unknown[] = [];
  for (let index = 0; index < length; index++) result.push(read(array, String(index)));
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** `value` quoted for a message, shortened: event payloads are not secret, but can be huge. */
function quote(value: string): string {
  return value.length > 64 ? `${JSON.stringify(value.slice(0, 64))}…` : JSON.stringify(value);
}

function parseJson(body: string, budget: Budget): unknown {
  if (body.length > MAX_EVENT_BODY_CHARS) {
    throw formatError(
      `Event body has ${body.length} characters; an AWS event body has at most ${MAX_EVENT_BODY_CHARS}.`,
    );
  }
  budget.chars -= body.length;
  if (budget.chars < 0) {
    throw formatError(
      `Event bodies hold more than ${MAX_TOTAL_BODY_CHARS} characters in all; split the input.`,
    );
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw formatError(
      "Event body is not valid JSON; expected an EventBridge event serialised as JSON.",
    );
  }
}

function recordBody(record: unknown, index: number): unknown {
  if (isRecord(record)) {
    const body = read(record, "body");
    if (typeof body === "string") return body;
    const sns = read(record, "Sns");
    const message = isRecord(sns) ? read(sns, "Message") : undefined;
    if (typeof message === "string") return message;
  }
  throw formatError(`Records[${index}] has neither an SQS "body" nor an SNS "Sns.Message" string.`);
}

function parseEventBridge(
  detailType: string,
  event: Record<string, unknown>,
  budget: Budget,
): ChangeNotice[] {
  const detail = read(event, "detail");
  if (!isRecord(detail)) throw formatError(`${quote(detailType)} event has no "detail" object.`);
  const source = read(event, "source");
  if (source === "aws.ssm") return parseSsmEvent(detailType, detail, eventTime(event));
  if (source === "aws.secretsmanager") {
    return parseSecretsEvent(detailType, detail, read(event, "resources"), budget);
  }
  return [];
}

function parseSsmEvent(
  detailType: string,
  detail: Record<string, unknown>,
  time: number | undefined,
): ChangeNotice[] {
  if (detailType === "Parameter Store Change") {
    const [name, operation] = nameAndField(detailType, detail, "name", "operation");
    if (operation === "Delete")
      return [{ kind: "parameter-removed", name, cause: "deleted", time }];
    return [{ kind: "parameter-changed", name, time }];
  }
  if (detailType === "Parameter Store Policy Action") {
    const [name, policyType] = nameAndField(detailType, detail, "parameter-name", "policy-type");
    if (policyType === "Expiration") {
      return [{ kind: "parameter-removed", name, cause: "expired", time }];
    }
    return [{ kind: "policy-notice", name, policyType }];
  }
  return [];
}

/**
 * A Parameter Store event's parameter name and one other string field of its `detail`, or an
 * `EventFormatError` that names both.
 */
function nameAndField(
  detailType: string,
  detail: Record<string, unknown>,
  nameKey: string,
  fieldKey: string,
): [name: string, field: string] {
  const name = parameterName(read(detail, nameKey));
  const field = text(read(detail, fieldKey));
  if (!name || !field) {
    throw formatError(
      `"${detailType}" event needs string "detail.${nameKey}" (at most ${MAX_ID_CHARS} characters) and "detail.${fieldKey}".`,
    );
  }
  return [name, field];
}

function parseSecretsEvent(
  detailType: string,
  detail: Record<string, unknown>,
  resources: unknown,
  budget: Budget,
): ChangeNotice[] {
  let ids: unknown[];
  if (detailType === "Secret Label Updated") {
    ids = [read(detail, "name")];
  } else if (detailType === "AWS API Call via CloudTrail") {
    const eventName = text(read(detail, "eventName"));
    if (eventName === undefined || !SECRET_WRITE_CALLS.has(eventName)) return [];
    const request = read(detail, "requestParameters");
    const response = read(detail, "responseElements");
    ids = [
      isRecord(request) ? read(request, "secretId") : undefined,
      ...(isRecord(response)
        ? [read(response, "arn"), read(response, "aRN"), read(response, "name")]
        : []),
    ];
  } else if (detailType === "AWS Service Event via CloudTrail") {
    if (read(detail, "eventName") !== "RotationSucceeded") return [];
    const extra = read(detail, "additionalEventData");
    ids = isRecord(extra) ? [read(extra, "SecretId"), read(extra, "secretId")] : [];
  } else {
    return [];
  }
  if (Array.isArray(resources)) ids.push(...items(resources, budget, "resources"));
  const found = new Set<string>();
  for (const id of ids) {
    const secretId = text(id);
    if (secretId !== undefined && secretId.length <= MAX_ID_CHARS) found.add(secretId);
  }
  if (found.size === 0) throw formatError(`${quote(detailType)} event names no secret.`);
  return [{ kind: "secret-changed", ids: [...found] }];
}

/** Parameter names as events give them; a root name may come without its leading `/`. */
function parameterName(value: unknown): string | undefined {
  const name = text(value);
  if (name === undefined || name.length > MAX_ID_CHARS) return undefined;
  return withLeadingSlash(name);
}

/** The event's `time` in epoch ms, when it carries a valid one. */
function eventTime(event: Record<string, unknown>): number | undefined {
  const value = read(event, "time");
  // An ISO 8601 time has about 24 characters; anything much longer is not one.
  const time = typeof value === "string" && value.length <= 64 ? Date.parse(value) : Number.NaN;
  return Number.isFinite(time) ? time : undefined;
}
