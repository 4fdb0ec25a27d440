/** Worked solution for exercise 10: central differences and the course's relative error. */

/**
 * numeric_i = (f(x + h eᵢ) − f(x − h eᵢ)) / 2h, on copies of x so the caller's x is untouched;
 * err_i = |a_i − n_i| / (|a_i| + |n_i|), scale-free (1 for a flipped sign, 1/3 for a factor of 2),
 * and 0 when both are 0.
 */
export function gradientCheck(
  f: (x: number[]) => number,
  x: number[],
  analytic: number[],
  h: number,
  tolerance: number,
): { numeric: number[]; relErrors: number[]; wrong: number[] } {
  const numeric = x.map((_, i) => {
    const plus = x.slice();
    const minus = x.slice();
    plus[i] = x[i]! + h;
    minus[i] = x[i]! - h;
    return (f(plus) - f(minus)) / (2 * h);
  });
  const relErrors = numeric.map((n, i) => {
    const a = analytic[i]!;
    const scale = Math.abs(a) + Math.abs(n);
    return scale === 0 ? 0 : Math.abs(a - n) / scale;
  });
  const wrong = relErrors.flatMap((e, i) => (e > tolerance ? [i] : []));
  return { numeric, relErrors, wrong };
}
