"""Routes around no-fly volumes and runway procedures (stable public name).

The code lives in :mod:`lowalt.flight.routing`; this module re-exports its public API so that
``import lowalt.routing`` keeps working.
"""

from lowalt.flight.routing import *  # noqa: F403
from lowalt.flight.routing import __all__ as __all__
