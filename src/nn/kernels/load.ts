/**
 * Compiles and instantiates the assembled kernel modules (base64 from scripts/build-gemm-wasm.mjs).
 * Shared by the packed product kernels and the small-matrix kernels so all fail the same way: a
 * runtime without WebAssembly, or without an extension a module uses (SIMD; relaxed SIMD for the
 * multiply-add kernel), gets `undefined`, and the callers choose another kernel or their
 * JavaScript loops instead of throwing at import time.
 */

/** The compiled module, or undefined when this runtime cannot run it. */
export function compileKernel(base64: string): WebAssembly.Module | undefined {
  try {
    if (typeof WebAssembly === "undefined") return undefined;
    const bin = typeof Buffer !== "undefined" ? Buffer.from(base64, "base64") : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bytes = new Uint8Array(bin.length);
    bytes.set(bin);
    if (!WebAssembly.validate(bytes)) return undefined;
    return new WebAssembly.Module(bytes);
  } catch {
    return undefined;
  }
}

/** The exports of a kernel module, or undefined when this runtime cannot run it. */
export function instantiateKernel(base64: string, imports: WebAssembly.Imports = {}): WebAssembly.Exports | undefined {
  const module = compileKernel(base64);
  if (module === undefined) return undefined;
  try {
    return new WebAssembly.Instance(module, imports).exports;
  } catch {
    return undefined;
  }
}
