"""Drive one real kernel through a list of steps, for tests that need a kernel that stays alive.

Usage: /usr/bin/python3 kernel_session.py STEPS.json
STEPS.json: {"kernel": "tslab", "cwd": DIR, "steps": [{"code": "..."} | {"write": PATH, "text": "..."}]}
Prints one JSON object: {"results": [...]} with, per code step, its status and outputs
(stream text, text/html, text/markdown and text/plain data, error name/value). A "write" step rewrites a file
between two executions, from outside the kernel, while the kernel keeps running.
"""
import json
import os
import sys

from jupyter_client.manager import start_new_kernel


def main() -> None:
    spec = json.load(open(sys.argv[1]))
    km, kc = start_new_kernel(kernel_name=spec.get("kernel", "tslab"), cwd=spec["cwd"])
    results = []
    try:
        for step in spec["steps"]:
            if "write" in step:
                with open(step["write"], "w") as f:
                    f.write(step["text"])
                results.append({"wrote": step["write"]})
                continue
            outputs = []

            def hook(msg, outputs=outputs):
                t, c = msg["msg_type"], msg["content"]
                if t == "stream":
                    outputs.append({"type": "stream", "name": c["name"], "text": c["text"]})
                elif t in ("display_data", "update_display_data", "execute_result"):
                    outputs.append({"type": t, "data": {k: v for k, v in c["data"].items() if k in ("text/html", "text/plain", "text/markdown")}})
                elif t == "error":
                    outputs.append({"type": "error", "ename": c["ename"], "evalue": c["evalue"]})

            reply = kc.execute_interactive(step["code"], timeout=step.get("timeout", 120), output_hook=hook)
            results.append({"status": reply["content"]["status"], "outputs": outputs})
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    # The kernel's machinery can leave stdout non-blocking; a large answer (a chart carries the
    # plotly bundle) would then be cut short without an error. Write it in blocking mode.
    os.set_blocking(sys.stdout.fileno(), True)
    sys.stdout.write(json.dumps({"results": results}) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
