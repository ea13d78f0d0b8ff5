import type { ChangeNotice } from "../sources/contract.js";

/**
 * An event handed to `handleEvent` (or read from SQS) is not one of the shapes it accepts.
 * It is a `TypeError`, so `instanceof TypeError` holds; nothing was changed.
 */
export class EventFormatError extends TypeError {
  override readonly name = "EventFormatError" as const;
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
/** Nesting allowed for SQS bodies in SNS envelopes in arrays (bounded, against hostile input). */
const MAX_DEPTH = 6;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * Distils what an AWS change event names: parameters, secrets, policy actions. Accepts an
 * EventBridge event, an array of them, an SQS message body (JSON text), an SNS envelope, or a
 * Lambda SQS/SNS event. Well-formed events of other kinds yield no notice; malformed input
 * throws an {@link EventFormatError}.
 */
export function parseChangeEvent(input: unknown, depth = 0): ChangeNotice[] {
  if (depth > MAX_DEPTH)
    throw new EventFormatError("Event is nested too deeply to be an AWS change event.");
  if (typeof input === "string") return parseChangeEvent(parseJson(input), depth + 1);
  if (Array.isArray(input)) return input.flatMap((item) => parseChangeEvent(item, depth + 1));
  if (!isRecord(input)) {
    throw new EventFormatError(
      `Expected an EventBridge event, an SQS message body, an SNS envelope or a Lambda SQS event, got ${input === null ? "null" : typeof input}.`,
    );
  }
  if (Array.isArray(input.Records)) {
    return input.Records.flatMap((record, index) =>
      parseChangeEvent(recordBody(record, index), depth + 1),
    );
  }
  if (input.Type === "Notification" && typeof input.Message === "string") {
    return parseChangeEvent(input.Message, depth + 1);
  }
  // SNS delivers these to a subscribed queue too: well-formed, and about nothing we hold.
  if (SNS_CONTROL_TYPES.has(String(input.Type)) && typeof input.Message === "string") return [];
  if (typeof input["detail-type"] === "string") return parseEventBridge(input);
  throw new EventFormatError(
    'Expected an EventBridge event ("detail-type", "source", "detail"), an SNS envelope or a Lambda SQS event ("Records").',
  );
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new EventFormatError(
      "Event body is not valid JSON; expected an EventBridge event serialised as JSON.",
    );
  }
}

function recordBody(record: unknown, index: number): unknown {
  if (isRecord(record)) {
    if (typeof record.body === "string") return record.body;
    if (isRecord(record.Sns) && typeof record.Sns.Message === "string") return record.Sns.Message;
  }
  throw new EventFormatError(
    `Records[${index}] has neither an SQS "body" nor an SNS "Sns.Message" string.`,
  );
}

function parseEventBridge(event: Record<string, unknown>): ChangeNotice[] {
  const detailType = event["detail-type"] as string;
  const detail = event.detail;
  if (!isRecord(detail))
    throw new EventFormatError(`"${detailType}" event has no "detail" object.`);
  if (event.source === "aws.ssm") return parseSsmEvent(detailType, detail, event);
  if (event.source === "aws.secretsmanager")
    return parseSecretsEvent(detailType, detail, event.resources);
  return [];
}

function parseSsmEvent(
  detailType: string,
  detail: Record<string, unknown>,
  event: Record<string, unknown>,
): ChangeNotice[] {
  if (detailType === "Parameter Store Change") {
    const name = parameterName(detail.name);
    const operation = text(detail.operation);
    if (!name || !operation) {
      throw new EventFormatError(
        '"Parameter Store Change" event needs string "detail.name" and "detail.operation".',
      );
    }
    const time = eventTime(event);
    if (operation === "Delete")
      return [{ kind: "parameter-removed", name, cause: "deleted", time }];
    return [{ kind: "parameter-changed", name, time }];
  }
  if (detailType === "Parameter Store Policy Action") {
    const name = parameterName(detail["parameter-name"]);
    const policyType = text(detail["policy-type"]);
    if (!name || !policyType) {
      throw new EventFormatError(
        '"Parameter Store Policy Action" event needs string "detail.parameter-name" and "detail.policy-type".',
      );
    }
    if (policyType === "Expiration") {
      return [{ kind: "parameter-removed", name, cause: "expired", time: eventTime(event) }];
    }
    return [{ kind: "policy-notice", name, policyType }];
  }
  return [];
}

function parseSecretsEvent(
  detailType: string,
  detail: Record<string, unknown>,
  resources: unknown,
): ChangeNotice[] {
  const resourceIds = Array.isArray(resources)
    ? resources.filter((r): r is string => typeof r === "string")
    : [];
  let ids: Array<string | undefined>;
  if (detailType === "Secret Label Updated") {
    ids = [text(detail.name)];
  } else if (detailType === "AWS API Call via CloudTrail") {
    if (!SECRET_WRITE_CALLS.has(String(detail.eventName))) return [];
    const request = isRecord(detail.requestParameters) ? detail.requestParameters : {};
    const response = isRecord(detail.responseElements) ? detail.responseElements : {};
    ids = [text(request.secretId), text(response.arn), text(response.aRN), text(response.name)];
  } else if (detailType === "AWS Service Event via CloudTrail") {
    if (detail.eventName !== "RotationSucceeded") return [];
    const extra = isRecord(detail.additionalEventData) ? detail.additionalEventData : {};
    ids = [text(extra.SecretId), text(extra.secretId)];
  } else {
    return [];
  }
  const found = [
    ...new Set([...ids.filter((id): id is string => id !== undefined), ...resourceIds]),
  ];
  if (found.length === 0) throw new EventFormatError(`"${detailType}" event names no secret.`);
  return [{ kind: "secret-changed", ids: found }];
}

/** Parameter names as events give them; a root name may come without its leading `/`. */
function parameterName(value: unknown): string | undefined {
  const name = text(value);
  return name === undefined || name.startsWith("/") ? name : `/${name}`;
}

/** The event's `time` in epoch ms, when it carries a valid one. */
function eventTime(event: Record<string, unknown>): number | undefined {
  const time = typeof event.time === "string" ? Date.parse(event.time) : Number.NaN;
  return Number.isFinite(time) ? time : undefined;
}
