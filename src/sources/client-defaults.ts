/**
 * Timeouts of the clients this library creates when none is given. The SDK's own defaults never
 * time out a request that was accepted but not answered, which would hang a service's start-up.
 */
export const DEFAULT_REQUEST_HANDLER = {
  connectionTimeout: 5_000,
  requestTimeout: 15_000,
  throwOnRequestTimeout: true,
} as const;
