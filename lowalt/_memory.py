"""Memory budget of a run: what the machine has free and what a grid cell costs.

The per-cell cost was measured on the Optics Valley scenario (peak resident memory of a
whole run, outputs included, at 100 m and 50 m cells: about 3 KB per cell with 36 wind
directions over a fixed ~200 MB), so the guard refuses grids that would exhaust memory
before any large array is allocated.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "FIXED_BYTES",
    "FREE_MEMORY_SHARE",
    "available_memory_bytes",
    "bytes_per_cell",
    "count_limit",
]

FIXED_BYTES = 250 * 2**20
"""Memory of a run independent of the grid (interpreter, libraries, geodata), bytes."""


def bytes_per_cell(wind_directions: int) -> int:
    """Peak bytes a run needs per demand cell with ``wind_directions`` design-wind fields."""
    return 1_500 + 45 * max(int(wind_directions), 0)


def available_memory_bytes() -> int | None:
    """Memory available to a new allocation, bytes (Linux ``MemAvailable``); None if unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


FREE_MEMORY_SHARE = 0.8
"""Share of the memory free when a run starts that one allocation sized by input may take."""


def count_limit(cap: int, bytes_each: int) -> int:
    """Return how many items of ``bytes_each`` bytes a run may allocate.

    That is ``cap``, or fewer when :data:`FREE_MEMORY_SHARE` of the free memory holds fewer
    (at least 1).
    """
    free_b = available_memory_bytes()
    if free_b is None:
        return cap
    return min(cap, max(int(FREE_MEMORY_SHARE * free_b / bytes_each), 1))
