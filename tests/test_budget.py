"""kg.budget: a block past its budget is stopped, and a block that ends in time is never hit later."""

from __future__ import annotations

import threading
import time

import pytest

from kg.budget import OverBudget, allowance, budget, supported

pytestmark = pytest.mark.skipif(not supported(), reason="threads cannot be interrupted here")


def _spin(seconds: float) -> int:
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += len(str(n))
    return n


def test_a_block_past_its_budget_is_stopped():
    t = time.monotonic()
    with pytest.raises(OverBudget):
        with budget(0.3):
            _spin(20)
    assert time.monotonic() - t < 5


def test_blocks_that_end_in_time_are_never_interrupted_afterwards():
    stopped = 0
    for i in range(3000):  # deadlines met or just missed, one after another
        try:
            with budget(0.001 + (i % 3) * 0.001):
                _spin(0.001) if i % 2 else None
        except OverBudget:  # it ran out (or this process was not scheduled in time): stopped in the block
            stopped += 1
    _spin(0.5)  # and no exception ever arrives outside one
    assert stopped < 3000


def test_budgets_of_two_threads_are_their_own():
    got = {}

    def run(name: str, limit: float, work: float) -> None:
        try:
            with budget(limit):
                _spin(work)
            got[name] = "done"
        except OverBudget:
            got[name] = "stopped"

    threads = [threading.Thread(target=run, args=("slow", 0.3, 20)), threading.Thread(target=run, args=("quick", 20, 0.5))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert got == {"slow": "stopped", "quick": "done"}


def test_no_budget_means_no_limit():
    with budget(None):
        _spin(0.05)
    with budget(0):
        _spin(0.05)


def test_the_allowance_grows_with_the_size():
    assert allowance(60, 1000) == 60 and allowance(60, 5 * 2**20) == 300 and allowance(None, 10**9) is None
