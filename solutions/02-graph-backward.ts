/** Worked solution for exercise 02: depth-first topological order, then grad_table backwards. */

export interface GraphNode {
  id: string;
  op: "input" | "add" | "mul" | "tanh" | "exp" | "sin";
  inputs: string[];
  value?: number;
}

/** Depth-first: a node is emitted only after every input has been emitted. */
export function topologicalOrder(nodes: GraphNode[]): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (id: string): void => {
    if (done.has(id)) return;
    done.add(id);
    for (const input of byId.get(id)!.inputs) visit(input);
    order.push(id);
  };
  for (const n of nodes) visit(n.id);
  return order;
}

/** Forward in topological order, then grad_table[v] += grad_table[u] · ∂u/∂v in reverse. */
export function gradTable(nodes: GraphNode[], output: string): Record<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const order = topologicalOrder(nodes);
  const value: Record<string, number> = {};
  for (const id of order) {
    const n = byId.get(id)!;
    const x = n.inputs.map((i) => value[i]!);
    if (n.op === "input") value[id] = n.value ?? 0;
    else if (n.op === "add") value[id] = x[0]! + x[1]!;
    else if (n.op === "mul") value[id] = x[0]! * x[1]!;
    else if (n.op === "tanh") value[id] = Math.tanh(x[0]!);
    else if (n.op === "exp") value[id] = Math.exp(x[0]!);
    else value[id] = Math.sin(x[0]!);
  }
  const grad: Record<string, number> = {};
  for (const id of order) grad[id] = 0;
  grad[output] = 1;
  for (const id of [...order].reverse()) {
    const n = byId.get(id)!;
    const g = grad[id]!;
    const [a, b] = n.inputs;
    if (n.op === "add") { grad[a!]! += g; grad[b!]! += g; }
    else if (n.op === "mul") { grad[a!]! += g * value[b!]!; grad[b!]! += g * value[a!]!; }
    else if (n.op === "tanh") grad[a!]! += g * (1 - value[id]! ** 2);
    else if (n.op === "exp") grad[a!]! += g * value[id]!;
    else if (n.op === "sin") grad[a!]! += g * Math.cos(value[a!]!);
  }
  return grad;
}
