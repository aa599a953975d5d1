"""The crawl lane's default size follows the machine's memory and CPU."""

from __future__ import annotations

from schedules.sizing import MINIMUM, sites_in_flight


def test_a_small_container_is_bounded_by_memory_and_a_large_machine_by_cpu():
    assert sites_in_flight(memory_mib=1024, cores=8) == 32  # half of 1 GiB at 16 MiB a site
    assert sites_in_flight(memory_mib=64 * 1024, cores=2) == 60  # 30 polite sites a core
    assert sites_in_flight(memory_mib=16, cores=1) == MINIMUM
