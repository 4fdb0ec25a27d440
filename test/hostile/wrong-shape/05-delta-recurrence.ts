/** Worked solution for exercise 05: δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^l). */

/** f′ written in terms of z, the pre-activation the forward pass saved. */
function fPrime(activation: "sigmoid" | "tanh" | "relu", z: number): number {
  if (activation === "sigmoid") {
    const s = 1 / (1 + Math.exp(-z));
    return s * (1 - s);
  }
  if (activation === "tanh") return 1 - Math.tanh(z) ** 2;
  return z > 0 ? 1 : 0;
}

/** Send δ^(l+1) back through the transposed weights, then through layer l's activation. */
export function deltaStep(
  W: number[][],
  deltaNext: number[][],
  z: number[][],
  activation: "sigmoid" | "tanh" | "relu",
): number[][] {
  const dIn = z.length;
  const M = z[0]!.length;
  // δ computed right, then returned with rows and columns swapped (M × d_l instead of d_l × M)
  const out: number[][] = [];
  for (let m = 0; m < M; m++) {
    const row: number[] = [];
    for (let k = 0; k < dIn; k++) {
      let s = 0;
      for (let i = 0; i < W.length; i++) s += W[i]![k]! * deltaNext[i]![m]!;
      row.push(s * fPrime(activation, z[k]![m]!));
    }
    out.push(row);
  }
  return out;
}
