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
  const delta: number[][] = [];
  for (let k = 0; k < dIn; k++) {
    const row: number[] = [];
    for (let m = 0; m < M; m++) {
      let backprop = 0; // ((W^(l+1))ᵀ δ^(l+1))_{k,m} = Σ_i W_{i,k} δ_{i,m}
      for (let i = 0; i < W.length; i++) backprop += W[i]![k]! * deltaNext[i]![m]!;
      row.push(backprop * fPrime(activation, z[k]![m]!));
    }
    delta.push(row);
  }
  return delta;
}
