# One-off revision of notebook 01: the grad_table filling shown in the library's graph view.
import json
p = "notebooks/01-computational-graphs.ipynb"
nb = json.load(open(p))
src = lambda c: "".join(c["source"])
def lines(s):
    a = s.strip("\n").split("\n"); return [l + "\n" for l in a[:-1]] + [a[-1]]
if not any("showBackwardSteps(" in src(c) for c in nb["cells"]):
    imp = nb["cells"][1]
    imp["source"] = lines(src(imp).replace("import { md, tex, html, namedTable, linePlot } from \"backprop-lab\";",
        "import { md, tex, html, namedTable, linePlot, showGraph, showBackwardSteps } from \"backprop-lab\";"))
    new = [
      {"cell_type": "markdown", "id": "01-graphview-md", "metadata": {}, "source": lines(r"""
### The same run in the library's graph view
Below, every node of our graph carries its forward value $u^{(i)}$ (from algorithm 6.1) and its entry of the `grad_table` (from algorithm 6.2). `showBackwardSteps` replays the backward pass: at step $k$ the output and the first $k-1$ nodes in reverse topological order have their final gradient; the highlighted node is the one whose slot was just filled. Step through it and compare each filled value with the table above.""")},
      {"cell_type": "code", "id": "01-graphview-code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines(r"""
/** A drawable node: value from algorithm 6.1, gradient from algorithm 6.2, inputs from the graph. */
interface DrawNode { data: number; grad: number; label: string; op?: string; children: DrawNode[] }
const drawn: DrawNode[] = [];
for (let i = 1; i <= n; i++) {
  drawn[i] = { data: u[i], grad: gradTable[i], label: nodes[i].name, op: nodes[i].op?.name, children: nodes[i].parents.map((p) => drawn[p]) };
}
showGraph(drawn[n], { title: "forward values and grad_table after algorithm 6.2" });
showBackwardSteps(drawn[n]);""")},
    ]
    idx = next(i for i, c in enumerate(nb["cells"]) if src(c).startswith("### Does it agree with `Value`?"))
    nb["cells"][idx:idx] = new
json.dump(nb, open(p, "w"), indent=1, ensure_ascii=False); open(p, "a").write("\n")
