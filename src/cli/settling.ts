/**
 * What the running command is waiting on, for the one case Node cannot report: the event loop
 * empties while a promise is still pending (a schema whose validation never settles). `main`
 * then names it instead of exiting with code 13 and no message.
 */
let pending: string | undefined;

/** The activity the command is waiting on, if it said. */
export function pendingActivity(): string | undefined {
  return pending;
}

/** Awaits `promise`, naming it as what the command waits on meanwhile. */
export async function waitingOn<T>(
  what: string,
  promise: Promise<T> | (() => Promise<T>),
): Promise<T> {
  const previous = pending;
  pending = what;
  try {
    return await (typeof promise === "function" ? promise() : promise);
  } finally {
    pending = previous;
  }
}
