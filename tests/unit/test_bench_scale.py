"""bench/bench_scale.py runs end to end at a toy size on both stores (the benchmark itself, at
1k / 10k / 100k open cases, is `make bench-scale`, never part of the test suite)."""

from __future__ import annotations

from bench import bench_scale


async def test_the_scale_benchmark_runs_at_a_toy_size_on_both_stores(capsys):
    results = await bench_scale.main([30, 60], ["sqlite", "redis"], sweep=20)
    for store in ("sqlite", "redis"):
        sizes = [result.size for result in results[store]]
        assert sizes == [30, 60]
        for result in results[store]:
            sweep = result.measures["sweep"]
            assert sweep.round_trips is not None and 0 < sweep.round_trips < 5
            assert result.measures["overview"].ms > 0
            assert (result.measures["påminnelser"].redis_ms is None) == (store == "sqlite")
    printed = capsys.readouterr().out
    assert "| sweep: round trips / item |" in printed and "**redis**" in printed
