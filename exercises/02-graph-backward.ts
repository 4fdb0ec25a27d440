/**
 * Exercise 02 — backward over a computational graph given as plain data (grad_table).
 *
 * A graph is a list of nodes in ANY order. Each node has an `id`, an `op` and the ids of its
 * `inputs`; input nodes carry their `value`. Ops: add (a + b), mul (a·b), tanh, exp, sin.
 * A node may feed several consumers (shared nodes). No imports.
 */
export interface GraphNode {
  id: string;
  op: "input" | "add" | "mul" | "tanh" | "exp" | "sin";
  inputs: string[];
  value?: number;
}

/** Return the ids so that every node comes after all of its inputs. (id: topological-order) */
export function topologicalOrder(nodes: GraphNode[]): string[] {
  throw new Error("not implemented: topological-order");
}

/**
 * Return { [id]: ∂L/∂node } for every node, where L is the node `output`. Evaluate forward in
 * topological order, set grad_table[L] = 1, then walk backwards: for each node u and each input v,
 *     grad_table[v] += grad_table[u] · ∂u/∂v
 * so a shared node SUMS the contributions of all its consumers. (id: grad-table)
 */
export function gradTable(nodes: GraphNode[], output: string): Record<string, number> {
  throw new Error("not implemented: grad-table");
}
