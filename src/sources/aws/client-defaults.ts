/**
 * The smallest client surface the sources need. Any AWS SDK v3 client satisfies it, whatever its
 * version, which is what lets users bring their own SDK.
 */
export interface AwsClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Timeouts of every client this library and its CLI create when none is given; the one place
 * they are set. The SDK's own defaults never time out a request that was accepted but not
 * answered, which would hang a service's start-up or a command. Parameter Store and Secrets
 * Manager answer a request (a page of 10 decrypted values included) in well under a second, so
 * 15 s leaves ample room for a slow network or KMS, while the SDK's 3 attempts still give up
 * on a hung endpoint within a minute. `throwOnRequestTimeout`: without it the SDK only logs a
 * warning when the timeout passes, and waits on.
 */
export const DEFAULT_REQUEST_HANDLER = {
  connectionTimeout: 5_000,
  requestTimeout: 15_000,
  throwOnRequestTimeout: true,
} as const;
