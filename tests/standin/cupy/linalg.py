"""``cupy.linalg``: NumPy's routines on the stand-in's arrays (cuSOLVER and cuBLAS in CuPy)."""

import numpy

from cupy._core import function

for _name in ("cholesky", "det", "eigh", "eigvalsh", "inv", "norm", "pinv", "qr", "slogdet", "solve", "svd"):
    globals()[_name] = function(getattr(numpy.linalg, _name), _name, library="cublas")
