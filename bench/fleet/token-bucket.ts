import type { Clock } from "../../src/index.js";

/**
 * An account-wide request quota as AWS enforces it: `ratePerSecond` tokens refill continuously
 * up to `capacity` (one second's worth unless given); a request without a token is throttled.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly capacity: number;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;
  /** While false, every request passes uncharged (the fleet's start-up before measuring). */
  enforcing = true;

  constructor(ratePerSecond: number, clock: Clock, capacity = ratePerSecond) {
    this.ratePerSecond = ratePerSecond;
    this.capacity = capacity;
    this.#clock = clock;
    this.#tokens = capacity;
    this.#updatedAt = clock.now();
  }

  /** Takes one token; false when the request must be throttled. */
  take(): boolean {
    if (!this.enforcing) return true;
    const now = this.#clock.now();
    this.#tokens = Math.min(
      this.capacity,
      this.#tokens + ((now - this.#updatedAt) / 1000) * this.ratePerSecond,
    );
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
