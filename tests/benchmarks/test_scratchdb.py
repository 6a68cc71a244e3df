"""The benchmarks' PostgreSQL server is named by the environment when a run starts."""

from __future__ import annotations

from bench.scratchdb import DEFAULT_ADMIN_URL, admin_url


def test_the_bench_variable_wins_then_the_tests_then_the_local_server() -> None:
    bench, tests = "postgresql://a@h1/postgres", "postgresql://b@h2/postgres"
    assert admin_url({"SMARTGATE_BENCH_PG": bench, "SMARTGATE_TEST_PG": tests}) == bench
    assert admin_url({"SMARTGATE_TEST_PG": tests}) == tests
    assert admin_url({"SMARTGATE_BENCH_PG": ""}) == DEFAULT_ADMIN_URL
    assert admin_url({}) == DEFAULT_ADMIN_URL
