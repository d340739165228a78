"""lowalt: a planner for low-altitude drone and eVTOL operations.

Modules follow the data flow scenario -> geodata/airspace -> aircraft ->
routing/reach -> optimize -> report/maps; import the one you need, e.g.
``from lowalt import aircraft, reach``.
"""

from importlib.metadata import PackageNotFoundError, version

from lowalt.errors import (
    AirspaceError,
    GeodataError,
    InfeasibleError,
    LowaltError,
    NoRouteError,
    ScenarioError,
)

try:
    __version__ = version("lowalt")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "AirspaceError",
    "GeodataError",
    "InfeasibleError",
    "LowaltError",
    "NoRouteError",
    "ScenarioError",
    "__version__",
]
