"""Peak memory of the running process, for the benches (imported, never run on its own)."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_mb() -> float:
    """Return this process's peak resident memory since exec in MB (Linux VmHWM).

    `ru_maxrss` is not used where /proc exists: a child started by fork and exec reports its
    parent's peak there, so a bench whose parent generated the data misreported it.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
