"""The page's sliders: the staffing of each station and department and the booked
share, with their defaults taken from the composed configuration (the hospital with
the interventions switched on), so that a slider left alone adds no override."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sim.config.compose import compose, to_typed
from sim.schema import Config

_HYDRA = threading.Lock()  # Hydra's composition keeps global state: one at a time


@dataclass(frozen=True)
class Control:
    key: str  # the override's key
    label: str
    default: float
    low: float
    high: float
    step: float
    help: str

    @property
    def whole(self) -> bool:
        return isinstance(self.default, int)


def composed(overrides: list[str]) -> Config:
    """The typed, checked configuration of ``overrides`` (``sim.config.ConfigError`` if
    they are refused)."""
    with _HYDRA:
        return to_typed(compose(overrides))


def controls(config: Config) -> list[Control]:
    """The sliders of a hospital, defaults from ``config``."""
    hospital = config.hospital
    out = [
        _servers(f"hospital.departments.{name}.doctors", f"Doctors: {name.replace('_', ' ')}", d.doctors, "doctors")
        for name, d in hospital.departments.items()
    ]
    out.append(_servers("hospital.registration.servers", "Registration windows", hospital.registration.servers))
    out.append(_servers("hospital.cashier.servers", "Cashier windows", hospital.cashier.servers))
    out += [
        _servers(f"hospital.exams.{name}.servers", f"{name.replace('_', ' ').capitalize()} rooms", exam.servers)
        for name, exam in hospital.exams.items()
    ]
    out.append(_servers("hospital.pharmacy.servers", "Pharmacy windows", hospital.pharmacy.servers))
    out.append(
        Control(
            "hospital.booking.booked_share",
            "Patients who book an appointment",
            float(hospital.booking.booked_share),
            0.0,
            0.95,
            0.05,
            "share of patients who book ahead (the rest walk in); online appointments set 85%",
        )
    )
    return out


def _servers(key: str, label: str, default: int, what: str = "servers") -> Control:
    high = max(2 * default, default + 4)
    return Control(key, label, int(default), 1, high, 1, f"{what} at work (default {default})")
