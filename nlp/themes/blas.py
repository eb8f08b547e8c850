"""BLAS threads for the theme fit."""

from __future__ import annotations

import functools


def one_blas_thread(method):
    """Run `method` with BLAS on one thread.

    The fit's matrix work is small (an SVD of the lexical view, a logistic regression), and
    OpenBLAS threads that wait for a busy core spin: on a 2-core machine with anything else
    running the fit took 3x longer with two threads (warm analyze of 1,500 comments: 12.3 s vs
    4.0 s for the fit), and about the same on an idle one. One thread also makes the result
    independent of the machine's core count.
    """
    @functools.wraps(method)
    def run(*args, **kwargs):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return method(*args, **kwargs)

    return run
