/**
 * The one way the project prints a number for people: graphs, gradient-check reports, tables and
 * formulas all show the same value the same way. Not re-exported from the engine; the display
 * folder exports it as `formatNumber`.
 */

/**
 * `digits` significant figures without trailing zeros; integers as they are; exponent form below
 * 1e-3 and from 1e6 on, where fixed notation hides the magnitude; NaN and ±∞ spelled out.
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "−∞";
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(Math.max(0, digits - 1));
  return String(Number(x.toPrecision(digits)));
}
