/** Worked solution for exercise 03: the forward pass saves f_k and h_k, the backward pass reuses them. */

function act(name: "relu" | "tanh" | "sigmoid", z: number): number {
  if (name === "relu") return Math.max(0, z);
  if (name === "tanh") return Math.tanh(z);
  return 1 / (1 + Math.exp(-z));
}
function actPrime(name: "relu" | "tanh" | "sigmoid", z: number): number {
  if (name === "relu") return z > 0 ? 1 : 0;
  if (name === "tanh") return 1 - Math.tanh(z) ** 2;
  const s = 1 / (1 + Math.exp(-z));
  return s * (1 - s);
}

/** Forward f_0, h_1, f_1, …, f_3; then the chain rule from ℓ back to f_0, one link at a time. */
export function toyChainBackward(
  x: number,
  y: number,
  beta: number[],
  omega: number[],
  activation: "relu" | "tanh" | "sigmoid",
): { df: number[]; dh: number[]; dbeta: number[]; domega: number[] } {
  const f = [beta[0]! + omega[0]! * x];
  const h = [x]; // h[0] stands for the input x so that layer k's input is h[k]
  for (let k = 1; k <= 3; k++) {
    h[k] = act(activation, f[k - 1]!);
    f[k] = beta[k]! + omega[k]! * h[k]!;
  }
  const df = [0, 0, 0, 2 * (f[3]! - y)];
  const dh = [0, 0, 0, 0];
  for (let k = 3; k >= 1; k--) {
    dh[k] = omega[k]! * df[k]!; // ∂f_k/∂h_k = ω_k
    df[k - 1] = actPrime(activation, f[k - 1]!) * dh[k]!; // ∂h_k/∂f_(k−1) = a′[f_(k−1)]
  }
  return { df, dh: dh.slice(1), dbeta: [...df], domega: df.map((d, k) => d * h[k]!) };
}
