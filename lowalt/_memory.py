"""Memory budget of a run: what the machine has free and what a grid cell costs.

The per-cell cost was measured on the Optics Valley scenario (peak resident memory of a
whole run, outputs included, at 100 m and 50 m cells: about 3 KB per cell with 36 wind
directions over a fixed ~200 MB), so the guard refuses grids that would exhaust memory
before any large array is allocated.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["FIXED_BYTES", "available_memory_bytes", "bytes_per_cell"]

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
