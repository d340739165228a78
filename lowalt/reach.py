"""Reach fields: the fastest response time from any dock to every grid cell (stable public name).

The code lives in :mod:`lowalt.flight.reach`; this module re-exports its public API so that
``import lowalt.reach`` keeps working.
"""

from lowalt.flight.reach import *  # noqa: F403
from lowalt.flight.reach import __all__ as __all__
