/**
 * Exercise 02 — backward over a computational graph given as plain data (grad_table).
 *
 * A graph is a list of nodes in ANY order. Each node has an `id`, an `op` and the ids of its
 * `inputs`; input nodes carry their `value`. The ops compute: add → inputs[0] + inputs[1],
 * mul → inputs[0] · inputs[1], tanh / exp / sin → of inputs[0]. A node may feed several consumers
 * (a shared node), and the same id may appear twice in one node's `inputs` (x·x).
 *
 * Taught in: notebook 01, sections 2 "Algorithm 6.1: forward propagation", 4 "Algorithm 6.2:
 * back-propagation with a grad_table" and 5 "Why not just multiply along every path?".
 * Conventions (table in docs/exercises.md and notebooks/00-start-here.ipynb): row "upstream gradient".
 * Stuck? Notebook 10 has three levels of hints per exercise. No imports.
 */
export interface GraphNode {
  id: string;
  op: "input" | "add" | "mul" | "tanh" | "exp" | "sin";
  inputs: string[];
  value?: number;
}

/**
 * Return every id exactly once, ordered so that each node comes after all of its inputs. Any order
 * with that property is accepted. (id: topological-order)
 */
export function topologicalOrder(nodes: GraphNode[]): string[] {
  throw new Error("not implemented: topological-order");
}

/**
 * L is the value of the node whose id is `output`. Return { [id]: ∂L/∂(that node) } for EVERY node
 * of the graph — inputs, intermediate nodes, and `output` itself (∂L/∂L = 1). A node that cannot
 * influence L gets 0. (id: grad-table)
 */
export function gradTable(nodes: GraphNode[], output: string): Record<string, number> {
  throw new Error("not implemented: grad-table");
}
