"""Fixed-seed runs give exactly the tables recorded in tests/golden_master.json.

Performance work must not change results: every pure optimisation leaves each column
of the visits, doctor_sessions, complaints and KPI tables bit for bit as it was. A
change meant to alter results regenerates the record (``python -m tests.golden_master``)
in the same commit and says why.
"""

import math

import pytest

from tests import golden_master

GOLDEN = golden_master.load()
SAME_ENVIRONMENT = GOLDEN["environment"] == golden_master.environment()


def _differences(recorded: dict, now: dict) -> list[str]:
    problems = []
    for table, expected in recorded.items():
        got = now[table]
        if got["rows"] != expected["rows"]:
            problems.append(f"{table}: {got['rows']} rows, recorded {expected['rows']}")
        if set(got["columns"]) != set(expected["columns"]):
            problems.append(f"{table}: columns differ: {sorted(set(got['columns']) ^ set(expected['columns']))}")
            continue
        if got["column_order"] != expected["column_order"]:
            problems.append(f"{table}: column order differs")
        for name, column in expected["columns"].items():
            mine = got["columns"][name]
            if SAME_ENVIRONMENT:
                if mine[0] != column[0]:
                    problems.append(f"{table}.{name}: values differ")
            elif mine[1] != column[1] or not math.isclose(mine[2], column[2], rel_tol=1e-7, abs_tol=1e-9):
                problems.append(f"{table}.{name}: NaNs and weighted sum {mine[1:]} vs recorded {column[1:]}")
    return problems


@pytest.mark.parametrize("name", sorted(golden_master.CONFIGS))
def test_tables_match_the_golden_master(name):
    assert name in GOLDEN["runs"], f"{name} not recorded: python -m tests.golden_master"
    problems = _differences(GOLDEN["runs"][name], golden_master.run_record(golden_master.CONFIGS[name]))
    assert not problems, "\n".join(problems)


def test_the_record_covers_the_configs():
    assert set(GOLDEN["runs"]) == set(golden_master.CONFIGS)
