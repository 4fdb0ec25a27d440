/**
 * Instantiates an assembled kernel module (base64 from scripts/build-gemm-wasm.mjs). Shared by
 * the packed product kernel and the small-matrix kernels so both fail the same way: a runtime
 * without WebAssembly or its SIMD extension gets `undefined`, and the callers fall back to
 * JavaScript loops instead of throwing at import time.
 */

/** The exports of a kernel module, or undefined when this runtime cannot run it. */
export function instantiateKernel(base64: string): WebAssembly.Exports | undefined {
  try {
    if (typeof WebAssembly === "undefined") return undefined;
    const bin = typeof Buffer !== "undefined" ? Buffer.from(base64, "base64") : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bytes = new Uint8Array(bin.length);
    bytes.set(bin);
    if (!WebAssembly.validate(bytes)) return undefined;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  } catch {
    return undefined;
  }
}
