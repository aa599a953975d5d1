"""How many site crawls this machine runs at once, from its memory and CPU.

A site's crawl in a shared crawl process costs a little memory (its crawler, scheduler queue and
pipeline state) and, since it mostly waits on its own politeness delay, little CPU. The bound is
whichever of the two runs out first; ``[lanes] crawls`` in the schedules file overrides it.
"""

from __future__ import annotations

import os

#: Memory one site in flight adds to a shared crawl process (measured by
#: benchmarks/many_sites.py: about 10 MiB a site over a 130 MiB process).
MIB_PER_SITE = 16
#: Part of the memory available at start-up that crawls may take.
MEMORY_SHARE = 0.5
#: Polite sites (a request every 0.2 s or slower) one core keeps busy without falling behind.
SITES_PER_CORE = 30
MINIMUM = 2


def available_memory_mib() -> int:
    """MemAvailable from /proc/meminfo; the physical memory where there is none."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20


def sites_in_flight(memory_mib: int | None = None, cores: int | None = None) -> int:
    """The default number of site crawls in flight on this machine."""
    memory = available_memory_mib() if memory_mib is None else memory_mib
    by_memory = int(memory * MEMORY_SHARE) // MIB_PER_SITE
    by_cpu = (cores or os.cpu_count() or 1) * SITES_PER_CORE
    return max(MINIMUM, min(by_memory, by_cpu))
