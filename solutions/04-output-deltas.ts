/** Worked solutions for exercise 04: δ^L = ∂ℓ/∂a^L ⊙ f′(z^L), one column per example. */

const sigma = (z: number): number => 1 / (1 + Math.exp(-z));

/** Identity output: f′ = 1, so δ^L = a − y = z − y. */
export function deltaLinearSquared(Z: number[][], Y: number[][]): number[][] {
  return Z.map((row, i) => row.map((z, m) => z - Y[i]![m]!));
}

/** ∂ℓ/∂a = a − y, then through the sigmoid: σ′(z) = a(1 − a). */
export function deltaSigmoidSquared(Z: number[][], Y: number[][]): number[][] {
  return Z.map((row, i) =>
    row.map((z, m) => {
      const a = sigma(z);
      return (a - Y[i]![m]!) * a * (1 - a);
    }),
  );
}

/** ∂ℓ/∂a = (a − y)/(a(1 − a)) and σ′ = a(1 − a): they cancel, leaving a − y. */
export function deltaSigmoidBce(Z: number[][], Y: number[][]): number[][] {
  return Z.map((row, i) => row.map((z, m) => sigma(z) - Y[i]![m]!));
}

/** Softmax with cross-entropy also collapses to probabilities minus the one-hot target. */
export function deltaSoftmaxCe(Z: number[][], Y: number[][]): number[][] {
  const d = Z.length;
  const M = Z[0]!.length;
  const delta = Z.map((row) => row.map(() => 0));
  for (let m = 0; m < M; m++) {
    let max = -Infinity;
    for (let i = 0; i < d; i++) max = Math.max(max, Z[i]![m]!); // shift for numerical safety
    let total = 0;
    for (let i = 0; i < d; i++) total += Math.exp(Z[i]![m]! - max);
    for (let i = 0; i < d; i++) delta[i]![m] = Math.exp(Z[i]![m]! - max) / total - Y[i]![m]!;
  }
  return delta;
}
