"""The staff cost of a configuration's staffing, per open day: the one place the
optimiser prices staff (a stand-in until the hospital has rostered staff costs).

Hours each role is paid for on an open day:

* doctors: every doctor of a department for each of its sessions (start to end);
* registration clerks: each registration window from opening to closing;
* cashiers and pharmacists: each window from its opening time to the end of the
  last doctor session of the day (patients still inside are served after it, as
  overtime the day's cost leaves out).

Each role's hours are priced at ``research.optimise.hourly_cost`` (CNY per hour,
estimates). Kiosks, laboratory and imaging staff and the complaint office are not
counted: the optimiser does not change them.
"""

from __future__ import annotations

from sim.clock import parse_clock
from sim.schema import Config, HospitalConfig

ROLES = ("doctor", "registration_clerk", "cashier", "pharmacist")
COST = "staff_cost_per_day"  # the objective's name (CNY per open day)
COST_LABEL = "Staff cost per open day (CNY)"


def role_hours(hospital: HospitalConfig) -> dict[str, float]:
    """Paid hours of each role on an open day."""
    last_session_end = max(parse_clock(s.end) for d in hospital.departments.values() for s in d.sessions)
    registration = hospital.registration
    return {
        "doctor": sum(
            d.doctors * (parse_clock(s.end) - parse_clock(s.start))
            for d in hospital.departments.values()
            for s in d.sessions
        )
        / 60,
        "registration_clerk": registration.servers
        * (parse_clock(registration.closes) - parse_clock(registration.opens))
        / 60,
        "cashier": hospital.cashier.servers * max(0.0, last_session_end - parse_clock(hospital.cashier.opens)) / 60,
        "pharmacist": hospital.pharmacy.servers
        * max(0.0, last_session_end - parse_clock(hospital.pharmacy.opens))
        / 60,
    }


def per_day(cfg: Config) -> float:
    """Staff cost of an open day (CNY)."""
    rates = cfg.research.optimise.hourly_cost
    return sum(rates[role] * hours for role, hours in role_hours(cfg.hospital).items())


def check(cfg: Config) -> list[str]:
    """Problems with the hourly costs: every role needs one."""
    missing = [role for role in ROLES if role not in cfg.research.optimise.hourly_cost]
    if missing:
        return [f"research.optimise.hourly_cost: no cost for {', '.join(missing)}; roles: {', '.join(ROLES)}"]
    return []
