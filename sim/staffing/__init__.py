"""Who is on duty on a day: doctors' rosters, station schedules, holidays, and the
staffing interventions that change them (sim.staffing.rosters, .schedules, .days).

Resolved from the typed configuration for one calendar day, with no randomness, so
that the demand layer (booking slots follow the roster), the engine (doctors'
sessions, stations' servers), the complaint model (crowding per server on duty) and
the cost KPIs all see the same day. A constant roster or schedule resolves to
exactly today's fixed counts (one change, at the station's opening)."""
