/**
 * Planted wrong answers for the exercises 09–13, one per pitfall, written independently of the
 * grader's own mistake models (each is code a student might write, not a formula for the output).
 */

// ---- 11 stable softmax cross-entropy -----------------------------------------------------------------
const columns = (Z: number[][]): number[][] => Z[0]!.map((_, m) => Z.map((r) => r[m]!));
const fromColumns = (cols: number[][]): number[][] => cols[0]!.map((_, c) => cols.map((col) => col[c]!));

/** The textbook formula typed in: e^z / Σ e^z, then −ln p. */
export function softmaxNaive(Z: number[][], y: number[]): { loss: number; dZ: number[][] } {
  const M = y.length;
  let loss = 0;
  const cols = columns(Z).map((z, m) => {
    const e = z.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    loss -= Math.log(p[y[m]!]!) / M;
    return p.map((v, c) => (v - (c === y[m] ? 1 : 0)) / M);
  });
  return { loss, dZ: fromColumns(cols) };
}

/** One shift for the whole batch: the largest score of all of Z. */
export function softmaxGlobalShift(Z: number[][], y: number[]): { loss: number; dZ: number[][] } {
  const M = y.length;
  const top = Math.max(...Z.flat());
  let loss = 0;
  const cols = columns(Z).map((z, m) => {
    const e = z.map((v) => Math.exp(v - top));
    const s = e.reduce((a, b) => a + b, 0);
    loss += (Math.log(s) + top - z[y[m]!]!) / M;
    return e.map((v, c) => (v / s - (c === y[m] ? 1 : 0)) / M);
  });
  return { loss, dZ: fromColumns(cols) };
}

/** The gradient is shifted and right; the loss takes ln of the (underflowed) probability. */
export function softmaxLogOfProbability(Z: number[][], y: number[]): { loss: number; dZ: number[][] } {
  const M = y.length;
  let loss = 0;
  const cols = columns(Z).map((z, m) => {
    const top = Math.max(...z);
    const e = z.map((v) => Math.exp(v - top));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    loss -= Math.log(p[y[m]!]!) / M;
    return p.map((v, c) => (v - (c === y[m] ? 1 : 0)) / M);
  });
  return { loss, dZ: fromColumns(cols) };
}

/** Stable, but the mean's 1/M is left out of the gradient (the loss has it). */
export function softmaxNoMean(Z: number[][], y: number[]): { loss: number; dZ: number[][] } {
  let loss = 0;
  const cols = columns(Z).map((z, m) => {
    const top = Math.max(...z);
    const s = z.reduce((acc, v) => acc + Math.exp(v - top), 0);
    loss += (top + Math.log(s) - z[y[m]!]!) / y.length;
    return z.map((v, c) => Math.exp(v - top) / s - (c === y[m] ? 1 : 0));
  });
  return { loss, dZ: fromColumns(cols) };
}

// ---- 12 initial variance ----------------------------------------------------------------------------
export const initVarianceNotStd = (n: number, a: number): number => 2 / (n * (1 + a * a));
export const initLinearAnswer = (n: number, a: number): number => 1 / Math.sqrt(n * (1 + a * a));
export const initIgnoresSlope = (n: number, _a: number): number => Math.sqrt(2 / n);
export const initSlopeNotSquared = (n: number, a: number): number => Math.sqrt(2 / (n * (1 + a)));
export const initStdOverN = (n: number, a: number): number => Math.sqrt(2 / (1 + a * a)) / n;
/** A valid variant: the same number written as He's σ = √2/√n divided by √(1 + α²). */
export const initWrittenDifferently = (n: number, a: number): number => Math.SQRT2 / Math.sqrt(n) / Math.hypot(1, a);

// ---- 09 build an engine -----------------------------------------------------------------------------
/** What a student's engine might get wrong; each planted class has exactly one of these. */
export type EngineSlip = "none" | "assign" | "no-topo" | "no-seed" | "recursive" | "tanh-input" | "mul-swapped" | "relu-no-mask";

/** A micrograd-style class as a student writes it (a closure per node), with one slip planted. */
export function plantedEngine(slip: EngineSlip) {
  class V {
    data: number;
    grad = 0;
    _prev: V[];
    _backward: () => void = () => {};
    constructor(data: number, prev: V[] = []) {
      this.data = data;
      this._prev = prev;
    }
    add(other: V | number): V {
      const o = other instanceof V ? other : new V(other);
      const out = new V(this.data + o.data, [this, o]);
      out._backward = slip === "assign"
        ? () => { this.grad = out.grad; o.grad = out.grad; }
        : () => { this.grad += out.grad; o.grad += out.grad; };
      return out;
    }
    mul(other: V | number): V {
      const o = other instanceof V ? other : new V(other);
      const out = new V(this.data * o.data, [this, o]);
      out._backward = slip === "assign"
        ? () => { this.grad = o.data * out.grad; o.grad = this.data * out.grad; }
        : slip === "mul-swapped"
          ? () => { this.grad += this.data * out.grad; o.grad += o.data * out.grad; }
          : () => { this.grad += o.data * out.grad; o.grad += this.data * out.grad; };
      return out;
    }
    pow(k: number): V {
      const out = new V(Math.pow(this.data, k), [this]);
      out._backward = slip === "assign"
        ? () => { this.grad = k * Math.pow(this.data, k - 1) * out.grad; }
        : () => { this.grad += k * Math.pow(this.data, k - 1) * out.grad; };
      return out;
    }
    exp(): V {
      const out = new V(Math.exp(this.data), [this]);
      out._backward = slip === "assign" ? () => { this.grad = out.data * out.grad; } : () => { this.grad += out.data * out.grad; };
      return out;
    }
    tanh(): V {
      const t = Math.tanh(this.data);
      const out = new V(t, [this]);
      const local = slip === "tanh-input" ? 1 - this.data * this.data : 1 - t * t;
      out._backward = slip === "assign" ? () => { this.grad = local * out.grad; } : () => { this.grad += local * out.grad; };
      return out;
    }
    relu(): V {
      const out = new V(this.data < 0 ? 0 : this.data, [this]);
      const local = slip === "relu-no-mask" ? 1 : out.data > 0 ? 1 : 0;
      out._backward = slip === "assign" ? () => { this.grad = local * out.grad; } : () => { this.grad += local * out.grad; };
      return out;
    }
    backward(): void {
      if (slip !== "no-seed") this.grad = 1;
      if (slip === "no-topo") {
        // breadth first from the output, each node once: but not in topological order
        const queue: V[] = [this];
        const seen = new Set<V>();
        while (queue.length) {
          const v = queue.shift()!;
          if (seen.has(v)) continue;
          seen.add(v);
          v._backward();
          for (const p of v._prev) queue.push(p);
        }
        return;
      }
      const topo: V[] = [];
      const visited = new Set<V>();
      if (slip === "recursive") {
        const build = (v: V): void => {
          if (visited.has(v)) return;
          visited.add(v);
          for (const p of v._prev) build(p);
          topo.push(v);
        };
        build(this);
      } else {
        // iterative post-order: a node goes into topo after all of its inputs
        const stack: { v: V; i: number }[] = [{ v: this, i: 0 }];
        visited.add(this);
        while (stack.length) {
          const top = stack[stack.length - 1]!;
          if (top.i < top.v._prev.length) {
            const p = top.v._prev[top.i++]!;
            if (!visited.has(p)) { visited.add(p); stack.push({ v: p, i: 0 }); }
          } else { topo.push(top.v); stack.pop(); }
        }
      }
      for (let i = topo.length - 1; i >= 0; i--) topo[i]!._backward();
    }
  }
  return V;
}

// ---- 10 gradient checker ----------------------------------------------------------------------------
type Checker = (f: (x: number[]) => number, x: number[], analytic: number[], h: number, tol: number) => { numeric: number[]; relErrors: number[]; wrong: unknown[] };
const courseError = (a: number, n: number): number => (a === 0 && n === 0 ? 0 : Math.abs(a - n) / (Math.abs(a) + Math.abs(n)));
const finish = (numeric: number[], analytic: number[], tol: number, err = courseError) => {
  const relErrors = numeric.map((n, i) => err(analytic[i]!, n));
  return { numeric, relErrors, wrong: relErrors.map((e, i) => (e > tol ? i : -1)).filter((i) => i >= 0) };
};
/** CS231n's loop: perturb x in place, evaluate, restore exactly (a valid way). */
export const checkerInPlace: Checker = (f, x, analytic, h, tol) => {
  const numeric: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const old = x[i]!;
    x[i] = old + h;
    const fp = f(x);
    x[i] = old - h;
    const fm = f(x);
    x[i] = old;
    numeric.push((fp - fm) / (2 * h));
  }
  return finish(numeric, analytic, tol);
};
export const checkerOneSided: Checker = (f, x, analytic, h, tol) => {
  const f0 = f(x);
  return finish(x.map((v, i) => (f(x.map((u, j) => (j === i ? u + h : u))) - f0) / h), analytic, tol);
};
export const checkerForgotTwo: Checker = (f, x, analytic, h, tol) =>
  finish(x.map((v, i) => (f(x.map((u, j) => (j === i ? u + h : u))) - f(x.map((u, j) => (j === i ? u - h : u)))) / h), analytic, tol);
/** In place, but the coordinate is left at old − h. */
export const checkerNotRestored: Checker = (f, x0, analytic, h, tol) => {
  const x = [...x0];
  const numeric: number[] = [];
  for (let i = 0; i < x.length; i++) {
    x[i] = x[i]! + h;
    const fp = f(x);
    x[i] = x[i]! - 2 * h;
    numeric.push((fp - f(x)) / (2 * h));
  }
  // x[i] was nudged back to old − h … and the rounding of old + h − 2h: either way not restored
  return finish(numeric, analytic, tol);
};
export const checkerMaxDenominator: Checker = (f, x, analytic, h, tol) =>
  finish(checkerInPlace(f, [...x], analytic, h, tol).numeric, analytic, tol, (a, n) => (a === n ? 0 : Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n))));
export const checkerAbsolute: Checker = (f, x, analytic, h, tol) => finish(checkerInPlace(f, [...x], analytic, h, tol).numeric, analytic, tol, (a, n) => Math.abs(a - n));
export const checkerBooleans: Checker = (f, x, analytic, h, tol) => {
  const r = checkerInPlace(f, [...x], analytic, h, tol);
  return { ...r, wrong: r.relErrors.map((e) => e > tol) };
};
