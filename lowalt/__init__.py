"""lowalt: a planner for low-altitude drone and eVTOL operations.

Subpackages follow the data flow scenario -> geo -> flight -> optimize / sim / network ->
studies -> outputs (see ``docs/design.md``); import the one you need, e.g.
``from lowalt.flight import aircraft, reach``. ``lowalt.routing``, ``lowalt.reach``,
``lowalt.placement_gdf`` and ``lowalt.optimize`` are the stable public entry points.
"""

from importlib.metadata import PackageNotFoundError, version

from lowalt import _compat
from lowalt.errors import (
    AirspaceError,
    GeodataError,
    InfeasibleError,
    LowaltError,
    NoRouteError,
    ScenarioError,
)

_compat.install()

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
