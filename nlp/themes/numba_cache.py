"""Keep UMAP's numba-compiled code on disk, so only the first run on a machine pays for compiling.

UMAP and pynndescent compile about 500 numba functions without `cache=True`; in a fresh
process that costs 8-12 s before any work is done, more than the whole theme fit of a few
thousand comments. numba can store them (in the packages' `__pycache__`, or a user cache
folder where that is read-only; see numba's NUMBA_CACHE_DIR); upstream discussion:
lmcinnes/umap#1257. The compiled code is the same, so results do not change.
Set FRITEKST_NUMBA_CACHE=0 to turn this off.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache

PACKAGES = ("umap", "pynndescent")


@lru_cache(maxsize=1)
def enable() -> int:
    """Turn on numba's disk cache for every jitted function of UMAP and pynndescent; returns how many."""
    if os.environ.get("FRITEKST_NUMBA_CACHE", "1") == "0":
        return 0
    import umap  # noqa: F401  (imports pynndescent too)
    from numba.core.registry import CPUDispatcher

    n = 0
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in PACKAGES:
            continue
        for value in list(vars(module).values()):
            if isinstance(value, CPUDispatcher) and value._cache.__class__.__name__ == "NullCache":
                value.enable_caching()
                n += 1
    return n
