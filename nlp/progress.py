"""Progress reporting for long stages, on a terminal (tqdm) or in the app (a callback)."""

from __future__ import annotations

from typing import Callable, Protocol


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int) -> None: ...


def silent(stage: str, done: int, total: int) -> None:
    """No output (tests, library use)."""


class TerminalProgress:
    """One tqdm bar per stage, on stderr; stays quiet when stderr is not a terminal."""

    def __init__(self, enabled: bool | None = None) -> None:
        import sys

        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._stage: str | None = None
        self._bar = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = tqdm(total=total, desc=stage, unit="", leave=True)
        assert self._bar is not None
        self._bar.total = total
        self._bar.n = done
        self._bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


StepCallback = Callable[[int, int], None]


def for_stage(progress: Progress, stage: str) -> StepCallback:
    """Bind a stage name so lower layers report only (done, total)."""
    return lambda done, total: progress(stage, done, total)
