/** Exercise contracts, inline checks and the isolating autograder. */
export {};
export * from "./contract";
export * from "./judge";
export * from "./exercises";
export * from "./inline";
