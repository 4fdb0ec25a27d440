/** Networks: the scalar-Value MLP and the matrix MLP written as the course δ recurrences. */

export * from "./matrix";
export { gemmBackend, setGemmBackend, wasmGemmAvailable, type GemmBackend } from "./kernels/backend";
export * from "./activations";
export * from "./losses";
export * from "./init";
export * from "./mlp";
export * from "./optim";
export * from "./train";
export * from "./scalar-mlp";
export * from "./digits";
export * from "./metrics";
