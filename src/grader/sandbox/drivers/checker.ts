/**
 * The trusted driver for exercise 10: it turns a program (plain data) into the function f the
 * student's gradient checker differentiates, then calls the checker with f and the case's plain
 * arguments. f accepts any array-like of the right length and is pure, so a checker may perturb
 * and restore x in place or copy it.
 */
import { readProgram, run } from "./program";

/** `args` = [program, x, analytic, h, tolerance]; the checker gets (f, x, analytic, h, tolerance). */
export function driveChecker(check: unknown, args: unknown[]): unknown {
  if (typeof check !== "function") throw new TypeError("gradientCheck must be a function");
  const program = readProgram(args[0]);
  const n = program.inputs;
  const f = (x: ArrayLike<number>): number => {
    if (x === null || typeof x !== "object" || typeof x.length !== "number" || x.length !== n) throw new TypeError(`f takes an array of ${n} numbers`);
    return run(program, x);
  };
  return Reflect.apply(check, undefined, [f, ...args.slice(1)]);
}
