"""The query pool's lanes, on real query processes over the project's store: the express
lane's budget is CPU time (a job held off the CPU is not a runaway), and one that spends its
budget is cut there and finished in the general lane."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from seccoop.server.pool import QueryPool
from seccoop.store import current_build

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def job(query: str) -> tuple:
    return (query, "json", "turtle", True, None, None, 100, "http://127.0.0.1/sparql")


@pytest.fixture()
def store_path(store_dir) -> str:
    build = current_build(store_dir)
    assert build is not None
    return str(build / "oxigraph")


async def with_general_lane_busy(store_path: str, during) -> QueryPool:
    """A two-lane pool whose general process runs a runaway while ``during(pool)`` runs."""
    pool = QueryPool(store_path, size=2, timeout=30, express_seconds=0.1)
    await pool.start()
    try:
        runaway = asyncio.ensure_future(pool.run(job(RUNAWAY)))
        await asyncio.sleep(0.3)  # it took the general process (fresh jobs prefer it)
        await during(pool)
        runaway.cancel()
        await asyncio.gather(runaway, return_exceptions=True)
    finally:
        await pool.close()
    return pool


def test_a_job_held_off_the_cpu_is_not_cut(store_path):
    async def during(pool: QueryPool) -> None:
        [express] = pool.pids(lane="express")
        os.kill(express, signal.SIGSTOP)  # as a loaded machine would: no CPU for a while
        try:
            cheap = asyncio.ensure_future(pool.run(job("SELECT ?s WHERE { ?s a ?c } LIMIT 2")))
            await asyncio.sleep(0.5)  # five budgets of wall-clock time, no CPU used
        finally:
            os.kill(express, signal.SIGCONT)
        reply, _seconds = await asyncio.wait_for(cheap, 5)
        assert reply[0] == "ok"
        assert pool.pids(lane="express") == [express]  # not killed

    pool = asyncio.run(with_general_lane_busy(store_path, during))
    assert pool.express_cuts == 0


def test_a_job_that_spends_its_budget_is_cut_and_a_spare_takes_the_lane(store_path):
    async def during(pool: QueryPool) -> None:
        [express] = pool.pids(lane="express")
        spares = set(pool.pids(lane="spare"))
        variant = asyncio.ensure_future(pool.run(job(RUNAWAY + " # spelt anew")))
        for _ in range(400):  # cut after 0.1 s of CPU (later in wall-clock on a busy machine)
            if pool.express_cuts:
                break
            await asyncio.sleep(0.025)
        assert pool.express_cuts == 1
        await asyncio.sleep(0.1)  # a started spare takes the lane at once
        [now] = pool.pids(lane="express")
        assert now != express and now in spares
        # The lane serves fresh work at once, the cut variant does not come back to it.
        reply, _seconds = await asyncio.wait_for(pool.run(job("ASK { ?s ?p ?o }")), 2)
        assert reply[0] == "ok"
        variant.cancel()
        await asyncio.gather(variant, return_exceptions=True)

    asyncio.run(with_general_lane_busy(store_path, during))
