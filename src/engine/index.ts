/** The scalar autograd engine and the numerical tools everything else builds on. */
export * from "./random";
export * from "./gradcheck";
export * from "./datasets";
export * from "./value";
export * from "./graph";
