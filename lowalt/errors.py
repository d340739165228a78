"""Exception tree for lowalt.

Every error a user can cause derives from :class:`LowaltError`. The CLI turns
them into one message and exit code 2; anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "AirspaceError",
    "GeodataError",
    "InfeasibleError",
    "LowaltError",
    "NoRouteError",
    "ScenarioError",
    "located",
]


class LowaltError(Exception):
    """Root of every error caused by input rather than by a bug.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    file
        The file the problem is in, when there is one.
    key_path
        Dotted path of the offending key inside that file (``reach.grid_spacing_m``).
    fix
        What the user should do about it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        key_path: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.key_path = key_path
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.file and self.key_path:
            where = f"{self.file}: {self.key_path}: "
        elif self.file:
            where = f"{self.file}: "
        elif self.key_path:
            where = f"{self.key_path}: "
        text = f"{where}{self.message}"
        if self.fix:
            text += f" Fix: {self.fix}"
        return text


class ScenarioError(LowaltError, ValueError):
    """A scenario file is missing, malformed or inconsistent."""


class GeodataError(LowaltError, ValueError):
    """A geodata layer is missing, has no or the wrong CRS, or invalid geometry."""


class AirspaceError(LowaltError, ValueError):
    """An airspace definition is inconsistent (limits, geometry, restriction)."""


class NoRouteError(LowaltError):
    """No route exists between two points under the given airspace."""


class InfeasibleError(LowaltError):
    """A target cannot be met (no dock can reach some demand within the target)."""


@contextmanager
def located(scenario_file: str | Path | None, key_path: str, fix: str) -> Iterator[None]:
    """Name the scenario, its key and a fix on errors raised while reading one of its inputs.

    A :class:`LowaltError` raised inside the block by code that does not know the scenario
    (a loader of routes or runways, say) is raised again with ``scenario_file`` in front of
    the data file it names (``scenario.yaml -> routes.geojson``), ``key_path`` in front of its
    own key path, and ``fix`` when it has none. Errors that already name the scenario pass
    unchanged.
    """
    try:
        yield
    except LowaltError as exc:
        scen = str(scenario_file) if scenario_file is not None else None
        if scen is not None and exc.file is not None and scen in exc.file:
            raise
        file = scen if exc.file is None else (f"{scen} -> {exc.file}" if scen else exc.file)
        key = key_path if exc.key_path is None else f"{key_path}: {exc.key_path}"
        raise type(exc)(exc.message, file=file, key_path=key, fix=exc.fix or fix) from None
