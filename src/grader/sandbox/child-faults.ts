/**
 * Faults raised outside a call's own stack: an error thrown in a timer or callback, a promise
 * rejected with no handler. The child catches them process-wide (so they do not end it) and keeps
 * the first one since the current load or call began; that load or call then fails with it,
 * marked as raised late (it may come from work an earlier call left behind).
 */
import { P, cut, starts } from "./child-builtins";
import { describeThrown } from "./child-encode";

/** The first fault since `clear()`, described (`current()`), or null. */
export interface FaultLog {
  clear(): void;
  current(): string | null;
}

const unthrow = (s: string): string => (starts(s, "threw ") ? cut(s, 6) : s);

/** Installs process-wide handlers that log into a new FaultLog (the child does this once, before any student code). */
export function catchFaults(): FaultLog {
  let fault: string | null = null;
  P.on("uncaughtException", (e: unknown) => {
    if (fault === null) fault = `an uncaught error escaped from a timer or callback: ${unthrow(describeThrown(e))}`;
  });
  P.on("unhandledRejection", (e: unknown) => {
    if (fault === null) fault = `an unhandled promise rejection escaped: ${unthrow(describeThrown(e))}`;
  });
  return {
    clear: () => {
      fault = null;
    },
    current: () => fault,
  };
}
