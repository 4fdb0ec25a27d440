/**
 * Faults raised outside a call's own stack: an error thrown in a timer or callback, a promise
 * rejected with no handler. The child catches them process-wide (so they do not end it) and keeps
 * the first one since the current load or call began; that load or call then fails with it,
 * marked as raised late (it may come from work an earlier call left behind).
 */
import { P, cut, starts } from "./child-builtins";
import { describeThrown } from "./child-encode";

let fault: string | null = null;

const unthrow = (s: string): string => (starts(s, "threw ") ? cut(s, 6) : s);

/** Installs the process-wide handlers (the child does this once, before any student code). */
export function catchFaults(): void {
  P.on("uncaughtException", (e: unknown) => {
    if (fault === null) fault = `an uncaught error escaped from a timer or callback: ${unthrow(describeThrown(e))}`;
  });
  P.on("unhandledRejection", (e: unknown) => {
    if (fault === null) fault = `an unhandled promise rejection escaped: ${unthrow(describeThrown(e))}`;
  });
}

/** Forgets the last fault: a load or call starts. */
export function clearFault(): void {
  fault = null;
}

/** The first fault since `clearFault()`, described, or null. */
export function currentFault(): string | null {
  return fault;
}
