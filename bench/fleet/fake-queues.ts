import type { AwsClientLike, Clock, TimerHandle } from "../../src/index.js";

interface CommandLike {
  readonly constructor: { readonly name: string };
  readonly input?: Record<string, unknown>;
}

interface FakeMessage {
  readonly id: string;
  readonly body: string;
  visibleAt: number;
  receipt: string | undefined;
}

interface FakeQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly tags: Map<string, string>;
  readonly messages: FakeMessage[];
  readonly waiters: Set<() => void>;
  policy: string | undefined;
}

interface FakeSubscription {
  readonly arn: string;
  readonly endpoint: string;
  readonly filter: FilterRule[] | undefined;
}

type FilterRule = { exists: false } | { prefix: string } | string;

const ACCOUNT = "123456789012";
const VISIBILITY_MS = 30_000;

/**
 * SNS (one topic) and SQS in memory, on the fleet simulation's virtual clock: the commands that
 * `snsEventSource` sends, answered as AWS does for them — raw delivery to subscribed queues with
 * the filter-policy layout `snsEventSource` builds (`{"detail":{"name":[...]}}`), long polls that
 * wait in virtual time, visibility timeouts, tags. Counts every request by service and command.
 */
export class FakeFleetBackend {
  readonly topicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:config-events`;
  readonly requests = new Map<string, number>();
  readonly #clock: Clock;
  readonly #latencyMs: number;
  readonly #queues = new Map<string, FakeQueue>();
  readonly #subscriptions = new Map<string, FakeSubscription>();
  #ids = 0;
  /** Messages SNS put on a queue, and how many the filter kept off. */
  delivered = 0;
  filteredOut = 0;

  constructor(clock: Clock, latencyMs: number) {
    this.#clock = clock;
    this.#latencyMs = latencyMs;
  }

  /** Queues that exist now, by name. */
  queueNames(): string[] {
    return [...this.#queues.values()].map((queue) => queue.name);
  }

  subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  /** What EventBridge does for a rule targeting the topic: publish the event as the message. */
  publish(event: unknown): void {
    const body = JSON.stringify(event);
    for (const subscription of this.#subscriptions.values()) {
      const queue = [...this.#queues.values()].find((q) => q.arn === subscription.endpoint);
      if (!queue) continue;
      if (subscription.filter && !matches(subscription.filter, event)) {
        this.filteredOut++;
        continue;
      }
      this.delivered++;
      queue.messages.push({
        id: `m-${this.#ids++}`,
        body,
        visibleAt: this.#clock.now(),
        receipt: undefined,
      });
      for (const wake of [...queue.waiters]) wake();
    }
  }

  /**
   * A client for one process. `kill()` makes every later call of that process hang forever, as
   * a process killed with SIGKILL sends nothing more; its queue stays behind.
   */
  clientFor(): AwsClientLike & { kill(): void } {
    let dead = false;
    return {
      kill: () => {
        dead = true;
      },
      send: (command: unknown, options?: { abortSignal?: AbortSignal }) => {
        if (dead) return new Promise<never>(() => {});
        return this.#send(command as CommandLike, options?.abortSignal);
      },
    };
  }

  #send(command: CommandLike, signal: AbortSignal | undefined): Promise<unknown> {
    const name = command.constructor.name.replace(/Command$/, "");
    const input = command.input ?? {};
    this.requests.set(name, (this.requests.get(name) ?? 0) + 1);
    if (name === "ReceiveMessage") return this.#longPoll(input, signal);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        this.#clock.clearTimer(timer);
        reject(abortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const timer = this.#clock.setTimer(() => {
        signal?.removeEventListener("abort", onAbort);
        try {
          resolve(this.#answer(name, input));
        } catch (error) {
          reject(error);
        }
      }, this.#latencyMs);
    });
  }

  /** ReceiveMessage: answers at once when messages are visible, else waits in virtual time. */
  #longPoll(input: Record<string, unknown>, signal: AbortSignal | undefined): Promise<unknown> {
    const url = String(input.QueueUrl);
    const max = Number(input.MaxNumberOfMessages ?? 1);
    const waitMs = Number(input.WaitTimeSeconds ?? 0) * 1000;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      let timer: TimerHandle | undefined;
      let waitingOn: FakeQueue | undefined;
      const cleanup = () => {
        signal?.removeEventListener("abort", onAbort);
        if (timer !== undefined) this.#clock.clearTimer(timer);
        waitingOn?.waiters.delete(wake);
      };
      const onAbort = () => {
        cleanup();
        reject(abortError());
      };
      /** True once the call is answered. */
      const take = (): boolean => {
        const queue = this.#queues.get(url);
        if (!queue) {
          cleanup();
          reject(missingQueue());
          return true;
        }
        const now = this.#clock.now();
        const visible = queue.messages.filter((m) => m.visibleAt <= now).slice(0, max);
        if (visible.length === 0) return false;
        for (const message of visible) {
          message.visibleAt = now + VISIBILITY_MS;
          message.receipt = `${message.id}-${this.#ids++}`;
        }
        cleanup();
        resolve({
          Messages: visible.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.receipt,
            Body: m.body,
          })),
        });
        return true;
      };
      const wake = () => {
        take();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      timer = this.#clock.setTimer(() => {
        if (take()) return;
        waitingOn = this.#queues.get(url);
        waitingOn?.waiters.add(wake);
        timer = this.#clock.setTimer(() => {
          cleanup();
          resolve({ Messages: [] });
        }, waitMs);
      }, this.#latencyMs);
    });
  }

  #queueOf(input: Record<string, unknown>): FakeQueue | undefined {
    return this.#queues.get(String(input.QueueUrl));
  }

  #answer(name: string, input: Record<string, unknown>): unknown {
    switch (name) {
      case "CreateQueue": {
        const queueName = String(input.QueueName);
        const url = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${queueName}`;
        const tags = new Map(Object.entries((input.tags ?? {}) as Record<string, string>));
        this.#queues.set(url, {
          name: queueName,
          url,
          arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${queueName}`,
          tags,
          messages: [],
          waiters: new Set(),
          policy: undefined,
        });
        return { QueueUrl: url };
      }
      case "GetQueueAttributes":
        return { Attributes: { QueueArn: this.#existing(input).arn } };
      case "SetQueueAttributes":
        this.#existing(input).policy = String((input.Attributes as Record<string, string>).Policy);
        return {};
      case "TagQueue":
        for (const [key, value] of Object.entries(input.Tags as Record<string, string>))
          this.#existing(input).tags.set(key, value);
        return {};
      case "ListQueueTags":
        return { Tags: Object.fromEntries(this.#existing(input).tags) };
      case "ListQueues": {
        const prefix = String(input.QueueNamePrefix ?? "");
        const urls = [...this.#queues.values()]
          .filter((queue) => queue.name.startsWith(prefix))
          .map((queue) => queue.url);
        const start = Number(input.NextToken ?? 0);
        const size = Number(input.MaxResults ?? 1000);
        const pageOf = urls.slice(start, start + size);
        return {
          QueueUrls: pageOf,
          ...(start + size < urls.length ? { NextToken: String(start + size) } : {}),
        };
      }
      case "DeleteQueue": {
        const queue = this.#existing(input);
        this.#queues.delete(queue.url);
        for (const wake of [...queue.waiters]) wake();
        return {};
      }
      case "DeleteMessageBatch": {
        const queue = this.#existing(input);
        const receipts = new Set(
          (input.Entries as Array<{ ReceiptHandle: string }>).map((entry) => entry.ReceiptHandle),
        );
        for (let index = queue.messages.length - 1; index >= 0; index--) {
          const message = queue.messages[index] as FakeMessage;
          if (message.receipt && receipts.has(message.receipt)) queue.messages.splice(index, 1);
        }
        return { Successful: [], Failed: [] };
      }
      case "ChangeMessageVisibility": {
        const queue = this.#existing(input);
        const message = queue.messages.find((m) => m.receipt === input.ReceiptHandle);
        if (message) message.visibleAt = this.#clock.now() + Number(input.VisibilityTimeout) * 1000;
        return {};
      }
      case "Subscribe": {
        const arn = `${this.topicArn}:${this.#ids++}`;
        const attributes = (input.Attributes ?? {}) as Record<string, string>;
        this.#subscriptions.set(arn, {
          arn,
          endpoint: String(input.Endpoint),
          filter: attributes.FilterPolicy
            ? (JSON.parse(attributes.FilterPolicy) as { detail: { name: FilterRule[] } }).detail
                .name
            : undefined,
        });
        return { SubscriptionArn: arn };
      }
      case "Unsubscribe":
        if (!this.#subscriptions.delete(String(input.SubscriptionArn))) {
          throw Object.assign(new Error("Subscription does not exist"), {
            name: "NotFoundException",
          });
        }
        return {};
      case "ListSubscriptionsByTopic":
        return {
          Subscriptions: [...this.#subscriptions.values()].map((s) => ({
            SubscriptionArn: s.arn,
            Endpoint: s.endpoint,
          })),
        };
      default:
        throw new Error(`The fleet simulation's fake SNS/SQS does not answer ${name}.`);
    }
  }

  #existing(input: Record<string, unknown>): FakeQueue {
    const queue = this.#queueOf(input);
    if (!queue) throw missingQueue();
    return queue;
  }
}

/** The filter-policy layout `snsEventSource` builds, evaluated as SNS does on the message body. */
function matches(rules: readonly FilterRule[], event: unknown): boolean {
  const name = (event as { detail?: { name?: unknown } }).detail?.name;
  return rules.some((rule) => {
    if (typeof rule === "string") return name === rule;
    if ("exists" in rule) return name === undefined;
    return typeof name === "string" && name.startsWith(rule.prefix);
  });
}

function missingQueue(): Error {
  return Object.assign(new Error("The specified queue does not exist."), {
    name: "QueueDoesNotExist",
  });
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}
