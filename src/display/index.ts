/** Notebook output: charts, math, graphs, tables and progress, with a text fallback outside Jupyter. */
export {};
