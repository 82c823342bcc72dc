"""A patient's day in the outpatient department.

Arrive, register at a window, wait for the doctor, consult; if the doctor orders
examinations, pay for them, have them, wait for the results and return to the same
doctor; if a prescription was written, pay for it and collect it at the pharmacy;
leave. Patients who run out of patience before the doctor calls them leave without
being seen; patients whose results come back after the doctors have gone home leave
to come back another day.
"""

from __future__ import annotations

import simpy

from sim.hospital import OpenDay
from sim.recorder import REVIEW_DEFERRED


def patient_day(env: simpy.Environment, visit: int, day: OpenDay):
    stages = day.stages
    log = day.log

    yield env.timeout(day.arrival_time[visit] - env.now)
    yield day.registration.serve(visit, stages["registration"])

    department = day.department_of[visit]
    queue = department.choose_queue(visit, day.assignment_draw[visit])
    doctor = yield queue.join(visit, review=False, deadline=env.now + day.deadline_after[visit])
    if doctor is None:  # left without being seen (the doctor recorded when)
        return

    exams = day.exams_needed[visit]
    if exams:
        yield day.cashier.serve(visit, stages["exam_payment"])
        results_ready = env.now
        for exam in exams:
            yield day.exam_stations[exam].serve(visit, stages[exam])
            results_ready = max(results_ready, env.now + day.result_delay[exam][visit])
        log.results_ready[visit] = results_ready
        if results_ready > env.now:
            yield env.timeout(results_ready - env.now)
        review_queue = department.review_queue(visit, doctor, day.assignment_draw[visit])
        if review_queue.closed:
            log.outcome[visit] = REVIEW_DEFERRED
            log.departure[visit] = env.now
            return
        yield review_queue.join(visit, review=True, deadline=float("inf"))

    if day.prescription[visit]:
        yield day.cashier.serve(visit, stages["payment"])
        yield day.pharmacy.serve(visit, stages["pharmacy"])
    log.departure[visit] = env.now
