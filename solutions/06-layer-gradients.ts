/** Worked solution for exercise 06: ∂W = (1/M) δ Aᵀ, ∂b = (1/M) Σ_m δ_m. */

/** Each example contributes the outer product δ_m a_mᵀ; the batch mean divides by M once. */
export function layerGradients(delta: number[][], A: number[][]): { dW: number[][]; db: number[] } {
  const d = delta.length;
  const n = A.length;
  const M = delta[0]!.length;
  const dW: number[][] = [];
  const db: number[] = [];
  for (let i = 0; i < d; i++) {
    const row: number[] = [];
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let m = 0; m < M; m++) s += delta[i]![m]! * A[k]![m]!;
      row.push(s / M);
    }
    dW.push(row);
    db.push(delta[i]!.reduce((s, v) => s + v, 0) / M);
  }
  return { dW, db };
}
