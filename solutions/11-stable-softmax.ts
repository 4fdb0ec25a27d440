/** Worked solution for exercise 11: shift each column by its own maximum before exponentiating. */

/**
 * softmax(z) = softmax(z − c) for any c, so with c = max_i z_i every exponent is ≤ 0 (no overflow)
 * and the largest is exactly 1 (the sum is ≥ 1: no 0/0). ln softmax(z)_k = (z_k − c) − ln Σ_i e^(z_i − c)
 * is computed directly, never as the log of a probability that may have underflowed to 0.
 */
export function stableSoftmaxCrossEntropy(Z: number[][], y: number[]): { loss: number; dZ: number[][] } {
  const C = Z.length;
  const M = Z[0]!.length;
  const dZ = Z.map((row) => row.map(() => 0));
  let loss = 0;
  for (let m = 0; m < M; m++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) max = Math.max(max, Z[c]![m]!);
    let total = 0;
    for (let c = 0; c < C; c++) total += Math.exp(Z[c]![m]! - max);
    const logTotal = Math.log(total);
    loss -= (Z[y[m]!]![m]! - max - logTotal) / M;
    for (let c = 0; c < C; c++) dZ[c]![m] = (Math.exp(Z[c]![m]! - max - logTotal) - (c === y[m] ? 1 : 0)) / M;
  }
  return { loss, dZ };
}
