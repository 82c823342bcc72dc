"""A patient's day in the outpatient department: the first file to read.

The steps of the day and where each happens. Steps 1, 2 and the end of 5 happen
elsewhere, for speed; ``patient_day`` below starts at step 3.

1. **Arrive**: drawn before the day (``sim.demand.patients``; a booked patient near
   their slot, ``sim.demand.booking``). A booked patient who does not come has no
   day (``sim.engine.day``).
2. **Register** at a window or a kiosk, unless registered when booking online:
   settled when the day opens (``sim.engine.registration.settle``). The patient's
   process starts as they leave the desk (``sim.engine.day._open_doors``).
3. **Choose a doctor**, here: the doctor of a booked slot, else
   ``Department.choose_queue`` (``sim.engine.hospital``). If those doctors have all
   gone home, the clinic is closed to this patient. **Or baulk** (only with
   ``hospital.baulking``): a patient who finds more patients waiting per doctor than
   their threshold leaves, or comes back once later and chooses again (leaving if it
   is still too long).
4. **Wait for the doctor**, here (``join``); who is called next is the queue's
   discipline (``sim.engine.doctors.ConsultQueue``, ``sim.engine.slot_queue``).
   **Or give up**: the doctors' queue settles it at the deadline and records it
   (``sim.engine.doctors.GiveUps``); the wait ends with no doctor.
5. **Consult**: timed by the doctor's day (``sim.engine.doctors.doctor_day``), which
   also sees the patient out (``sim.engine.kernel.see_out``): the wait ends with
   the doctor's id.

   *Information gaps* (``hospital.information``, off by default): a patient who
   lacks information loses minutes (``sim.demand.information``) before the doctor's
   queue (registration: added to the start, ``sim.engine.hospital``), after the
   consultation (finding out what to do next), before the examinations (finding the
   way) and before paying for the medicine (finding the counter).
6. **Pay for examinations**, here, at the cashier (``sim.engine.stations``), unless
   paying on the phone. With exam pre-booking the exams are first booked for slots
   (``sim.engine.exam_slots``).
7. **Have the examinations**, here, one station after another, in config order
   (a pre-booked one at its slot's start).
8. **Wait for the results**, here.
9. **Back to the doctor**, here, as in 4-5 but never giving up; deferred to another
   day if the doctors who could review them have gone home.
10. **Pay for the medicine**, here, at the cashier, unless paying on the phone.
11. **Collect the medicine**, here, at the pharmacy: the last stage, so no event
    (``FifoStation.serve_last``).
12. **Leave**, here: the departure time.

Every time is written into the day's columnar log (``sim.engine.records``) by the
step that knows it.
"""

from __future__ import annotations

import simpy

from sim.engine.hospital import Department, OpenDay
from sim.engine.records import BAULKED, CLINIC_CLOSED, REVIEW_DEFERRED


def patient_day(env: simpy.Environment, visit: int, day: OpenDay):
    """Steps 3-12 of the patient ``visit``'s day, from leaving the registration desk
    (or arriving, if registered when booking)."""
    stages = day.stages
    log = day.log
    gap = day.gap_delay  # None unless information gaps are on

    # 3. choose a doctor (or baulk)
    department = day.department_of[visit]
    queue = choose_doctor(day, visit, department)
    if day.baulking and queue.doctors_at_work and day.queue_too_long(visit, queue):
        if not day.baulk_returns[visit]:
            log.outcome[visit] = BAULKED
            log.departure[visit] = env.now
            return
        yield env.timeout(day.baulk_return_after[visit])  # comes back later the same day
        log.baulk_returned_at[visit] = env.now
        queue = choose_doctor(day, visit, department)
        if queue.doctors_at_work and day.queue_too_long(visit, queue):
            log.outcome[visit] = BAULKED
            log.departure[visit] = env.now
            return
    if queue.doctors_at_work == 0:  # the doctors who could see this patient have gone home
        log.outcome[visit] = CLINIC_CLOSED
        log.departure[visit] = env.now
        return

    # 4. wait for the doctor (or give up), 5. consult
    doctor = yield queue.join(visit, review=False, deadline=env.now + day.deadline_after[visit])
    if doctor is None:  # gave up: GiveUps recorded when
        return
    if gap is not None and gap.consultation[visit] > 0:  # lacking information: what to do next?
        yield env.timeout(gap.consultation[visit])

    paying_at_cashier = not day.mobile_payment[visit]
    exams = day.exams_needed[visit]
    if exams:
        # 6. pay for examinations (booked for slots first, when exams are pre-booked)
        slots = day.book_exam_slots(exams, env.now) if day.exam_slots else None
        if slots:
            log.exam_slot_delay[visit] = 0.0
        if paying_at_cashier:
            yield day.cashier.serve(visit, stages["exam_payment"])
        # 7. have the examinations
        if gap is not None and gap.examination[visit] > 0:  # lacking information: where to go?
            yield env.timeout(gap.examination[visit])
        results_ready = env.now
        for exam in exams:
            if slots and exam in slots and slots[exam] > env.now:  # wait for the booked slot
                delay = slots[exam] - env.now
                log.exam_slot_delay[visit] += delay
                yield env.timeout(delay)
            yield day.exam_stations[exam].serve(visit, stages[exam])
            results_ready = max(results_ready, env.now + day.result_delay[exam][visit])
        log.results_ready[visit] = results_ready
        # 8. wait for the results
        if results_ready > env.now:
            yield env.timeout(results_ready - env.now)
        # 9. back to the doctor
        review_queue = department.review_queue(visit, doctor, day.assignment_draw[visit])
        if review_queue.closed:
            log.outcome[visit] = REVIEW_DEFERRED
            log.departure[visit] = env.now
            return
        yield review_queue.join(visit, review=True, deadline=float("inf"))

    if day.prescription[visit]:
        if gap is not None and gap.treatment[visit] > 0:  # lacking information: where to pay, to collect?
            yield env.timeout(gap.treatment[visit])
        # 10. pay for the medicine
        if paying_at_cashier:
            yield day.cashier.serve(visit, stages["payment"])
        # 11. collect the medicine, 12. leave when it has been handed over
        log.departure[visit] = day.pharmacy.serve_last(visit, stages["pharmacy"])
        return
    # 12. leave
    log.departure[visit] = env.now


def choose_doctor(day: OpenDay, visit: int, department: Department):
    """The queue the patient joins: their booked slot's doctor's, else the department's choice."""
    slot_doctor = day.slot_doctor[visit]
    if slot_doctor >= 0:  # booked: the queue of the slot's doctor
        return department.queue_of_doctor[slot_doctor]
    return department.choose_queue(visit, day.assignment_draw[visit])
