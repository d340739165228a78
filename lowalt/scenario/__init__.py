"""The scenario file: its schema, loading and the errors it reports.

Owns the YAML loader (a safe, bounded reader), the typed schema of every scenario section
(pydantic models, from which the scenario JSON Schema is generated), path resolution relative
to the scenario file and the located messages of bad input. May import :mod:`lowalt.errors`
and the domain subpackages' limits and parsers (never the studies or outputs). The domain
subpackages (``geo``, ``flight``, ``optimize``, ``sim``, ``network``) do not import it: the
studies read a scenario and hand plain values down.
"""

from lowalt.scenario.schema import *  # noqa: F403
from lowalt.scenario.schema import __all__ as __all__
