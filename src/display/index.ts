/** Notebook output: charts, math, graphs, tables and progress, with a text fallback outside Jupyter. */
export * from "./output";
export * from "./math";
export * from "./tables";
export * from "./charts";
export * from "./progress";
export * from "./graph";
export * from "./chain";
export * from "./reversed-layer";
export * from "./parameter-gradients";
export * from "./images";
