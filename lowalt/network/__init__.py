"""The route network: routes with altitude bands, airspace checks, conflicts and layering.

Owns a network of routes as 3-D corridors: which no-fly zones each route meets, which pairs
of corridors conflict, and the assignment of altitude layers (CP-SAT) that separates them.
May import :mod:`lowalt.flight`, :mod:`lowalt.geo` and :mod:`lowalt.errors`.
"""

from lowalt.network.checks import *  # noqa: F403
from lowalt.network.checks import __all__ as __all__
