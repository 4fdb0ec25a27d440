"""Which BLAS a PyTorch peer really ran on, shared by the bench's PyTorch scripts.

Debian's PyTorch calls whatever libblas.so.3 the process finds, and the reference BLAS and OpenBLAS
differ by 8-15x on float64 products, so every figure must name the library it was measured with.
"""
import os

import torch


def blas_library():
    """The BLAS shared libraries this process has mapped, after one product has made it load them."""
    torch.ones(8, 8) @ torch.ones(8, 8)
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line}
        return ", ".join(sorted(os.path.basename(p) for p in libs)) or "unknown"
    except OSError:
        return "unknown"
