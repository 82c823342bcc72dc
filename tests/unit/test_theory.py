import pytest

from sim.analysis.theory import erlang_c, mmc_mean_wait


def test_erlang_c_textbook_value():
    # a = 2 Erlangs on 3 servers: C = (a^3/3! * 3/(3-2)) / (1 + 2 + 2 + 4) = 4/9
    assert erlang_c(2.0, 1.0, 3) == pytest.approx(4 / 9)
    assert mmc_mean_wait(2.0, 1.0, 3) == pytest.approx(4 / 9)


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9])
def test_single_server_reduces_to_mm1(rho):
    mu = 0.25
    assert erlang_c(rho * mu, 1 / mu, 1) == pytest.approx(rho)
    assert mmc_mean_wait(rho * mu, 1 / mu, 1) == pytest.approx(rho / (mu - rho * mu))


def test_unstable_queue_rejected():
    with pytest.raises(ValueError, match="unstable"):
        erlang_c(3.0, 1.0, 3)
