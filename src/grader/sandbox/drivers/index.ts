/**
 * Drivers: trusted code that runs in the student process between the grader and an export that is
 * not a plain function of plain data (a class to build graphs with, a checker that needs a
 * function to differentiate). The grader names a driver in its call; the driver receives the
 * export and the case's plain arguments and returns plain data, which is judged like any answer.
 * The same drivers serve the inline checks in a notebook.
 */
import { driveChecker } from "./checker";
import { driveEngine } from "./engine";

/** Every driver by name (frozen: in the student process, student code can reach this module). */
export const DRIVERS = Object.freeze({
  "value-engine": driveEngine,
  "gradient-checker": driveChecker,
} as const satisfies Record<string, (exported: unknown, args: unknown[]) => unknown>);

/** A driver's name, as an exercise declares it. */
export type DriverName = keyof typeof DRIVERS;

/** Is this a driver's name? (a call message is untrusted data until checked) */
export function isDriverName(x: unknown): x is DriverName {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(DRIVERS, x);
}

/** Call an export on a case's arguments: through its driver, or directly when it has none. */
export function callExport(driver: DriverName | undefined, exported: unknown, args: unknown[]): unknown {
  if (driver !== undefined) return DRIVERS[driver](exported, args);
  if (typeof exported !== "function") throw new TypeError(`not a function (it is ${exported === undefined ? "missing" : `a ${typeof exported}`})`);
  return exported(...args);
}
