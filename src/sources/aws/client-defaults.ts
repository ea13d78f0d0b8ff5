/**
 * The smallest client surface the sources need. Any AWS SDK v3 client satisfies it, whatever its
 * version, which is what lets users bring their own SDK.
 */
export interface AwsClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Timeouts of the clients this library creates when none is given. The SDK's own defaults never
 * time out a request that was accepted but not answered, which would hang a service's start-up.
 */
export const DEFAULT_REQUEST_HANDLER = {
  connectionTimeout: 5_000,
  requestTimeout: 15_000,
  throwOnRequestTimeout: true,
} as const;
