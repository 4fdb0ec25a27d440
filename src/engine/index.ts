/** The scalar autograd engine and the numerical tools everything else builds on. */
export * from "./random";
export * from "./gradcheck";
export * from "./datasets";
export * from "./value";
export * from "./graph";
export * from "./functional";
export * from "./dual";
export type { ScalarOps } from "./rules";
