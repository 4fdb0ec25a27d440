/** Worked solution for exercise 07: forward keeping every z^l and a^l, then the δ recurrence. */

type Act = "relu" | "tanh" | "sigmoid";
const f = (act: Act, z: number): number => (act === "relu" ? Math.max(0, z) : act === "tanh" ? Math.tanh(z) : 1 / (1 + Math.exp(-z)));
const fPrime = (act: Act, z: number): number => {
  if (act === "relu") return z > 0 ? 1 : 0;
  if (act === "tanh") return 1 - Math.tanh(z) ** 2;
  const s = 1 / (1 + Math.exp(-z));
  return s * (1 - s);
};
const matmul = (A: number[][], B: number[][]): number[][] => A.map((row) => B[0]!.map((_, j) => row.reduce((s, v, k) => s + v * B[k]![j]!, 0)));
const transpose = (A: number[][]): number[][] => A[0]!.map((_, j) => A.map((row) => row[j]!));

/** δ^L = (a^L − Y)/M; δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ f′(z^l); ∂W^l = δ^l (a^(l−1))ᵀ + λW^l; ∂b^l = Σ_m δ^l_m. */
export function mlpBackward(
  params: { W: number[][][]; b: number[][] },
  X: number[][],
  Y: number[][],
  hidden: Act,
  lambda: number,
): { dW: number[][][]; db: number[][] } {
  const { W, b } = params;
  const L = W.length;
  const M = X[0]!.length;
  const z: number[][][] = [];
  const a: number[][][] = [X];
  for (let l = 0; l < L; l++) {
    z[l] = matmul(W[l]!, a[l]!).map((row, i) => row.map((v) => v + b[l]![i]!));
    a[l + 1] = l === L - 1 ? z[l]! : z[l]!.map((row) => row.map((v) => f(hidden, v)));
  }
  const dW: number[][][] = [];
  const db: number[][] = [];
  let delta = a[L]!.map((row, i) => row.map((v, m) => (v - Y[i]![m]!) / M)); // linear output, mean loss
  for (let l = L - 1; l >= 0; l--) {
    dW[l] = matmul(delta, transpose(a[l]!)).map((row, i) => row.map((v, k) => v + lambda * W[l]![i]![k]!));
    db[l] = delta.map((row) => row.reduce((s, v) => s + v, 0));
    if (l > 0) delta = matmul(transpose(W[l]!), delta).map((row, i) => row.map((v, m) => v * fPrime(hidden, z[l - 1]![i]![m]!)));
  }
  return { dW, db };
}
