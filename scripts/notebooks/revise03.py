# One-off revision of notebook 03: the δ recurrence rendered with its actual numbers (texMatrix).
import json
p = "notebooks/03-delta-recurrences.ipynb"
nb = json.load(open(p))
src = lambda c: "".join(c["source"])
def lines(s):
    a = s.strip("\n").split("\n"); return [l + "\n" for l in a[:-1]] + [a[-1]]
if not any("texMatrix(" in src(c) for c in nb["cells"]):
    imp = nb["cells"][1]
    s = src(imp)
    s = s.replace("import { md, tex, html, namedTable", "import { md, tex, texMatrix, html, namedTable", 1)
    imp["source"] = lines(s)
    new = [
      {"cell_type": "markdown", "id": "03-texnumbers-md", "metadata": {}, "source": lines(r"""
The same step written as the equation, with the numbers of our network filled in — read it left to right: send $\boldsymbol\delta^{(2)}$ back through $(W^{(2)})^{\top}$, then gate every unit by its own $\sigma'(z^{(1)}_i)$.""")},
      {"cell_type": "code", "id": "03-texnumbers-code", "execution_count": None, "metadata": {}, "outputs": [], "source": lines(r"""
const W2T = W2[0].map((_, j) => W2.map((row) => row[j]));
tex(String.raw`\boldsymbol\delta^{(1)} = \big((W^{(2)})^{\top}\boldsymbol\delta^{(2)}\big)\odot\sigma'(\mathbf z^{(1)}) = \Big(${texMatrix(W2T)}${texMatrix(delta2)}\Big)\odot${texMatrix(gain1)} = ${texMatrix(back1)}\odot${texMatrix(gain1)} = ${texMatrix(delta1)}`);""")},
    ]
    idx = next(i for i, c in enumerate(nb["cells"]) if src(c).startswith("## 5 · The backward pass is a network run in reverse"))
    nb["cells"][idx:idx] = new
json.dump(nb, open(p, "w"), indent=1, ensure_ascii=False); open(p, "a").write("\n")
