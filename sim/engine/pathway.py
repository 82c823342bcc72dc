"""A patient's day in the outpatient department.

Arrive (a booked patient around their slot time), register at a window or a
self-service kiosk (unless registered when booking online), wait for the doctor (a booked patient for the doctor
of their slot), consult; if the doctor orders examinations, pay for them (unless paying
on the phone), have them, wait for the results and return to the same doctor; if a
prescription was written, pay for it and collect it at the pharmacy; leave. Patients
who run out of patience before the doctor calls them leave without being seen;
patients whose results come back after the doctors have gone home leave to come back
another day; a patient who reaches the doctor's queue after the doctors have gone home
cannot be seen. Booked patients who do not come have no day at all (``sim.engine.day``).
"""

from __future__ import annotations

import simpy

from sim.engine.hospital import OpenDay
from sim.engine.records import CLINIC_CLOSED, REVIEW_DEFERRED


def patient_day(env: simpy.Environment, visit: int, day: OpenDay):
    """From leaving the registration desk (or arriving, if registered when booking):
    the registration windows and kiosks are first come, first served and fed only by
    arrivals, so each patient's registration is settled when the day opens
    (``sim.engine.registration``) and their process starts when they leave the desk."""
    stages = day.stages
    log = day.log

    department = day.department_of[visit]
    slot_doctor = day.slot_doctor[visit]
    if slot_doctor >= 0:  # booked: the queue of the slot's doctor
        queue = department.queue_of_doctor[slot_doctor]
    else:
        queue = department.choose_queue(visit, day.assignment_draw[visit])
    if queue.doctors_at_work == 0:  # the doctors who could see this patient have gone home
        log.outcome[visit] = CLINIC_CLOSED
        log.departure[visit] = env.now
        return
    doctor = yield queue.join(visit, review=False, deadline=env.now + day.deadline_after[visit])
    if doctor is None:  # left without being seen (``sim.engine.doctors.GiveUps`` recorded when)
        return

    paying_at_cashier = not day.mobile_payment[visit]
    exams = day.exams_needed[visit]
    if exams:
        if paying_at_cashier:
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
        if paying_at_cashier:
            yield day.cashier.serve(visit, stages["payment"])
        # the medicine is the last thing: leave when it has been handed over
        log.departure[visit] = day.pharmacy.serve_last(visit, stages["pharmacy"])
        return
    log.departure[visit] = env.now
