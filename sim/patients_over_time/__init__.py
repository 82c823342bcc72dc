"""Patients over time: who each visit's patient is, when they come back, whether they
choose this hospital again, and what their visits cost.

A replication's patients are kept in a register (``register``); each day the
population (``population.PatientsOverTime``) decides who of those due comes back
(``loyalty``), hands their needs to the day's draw (``sim.demand.patients``), and after
the day learns what each visit lived through (the complaint model's columns, the
complaint office's handling: ``complaint_handling``) and what it cost (``charges``),
and books the next need (``schedule``). Per-patient random numbers are keyed by the
patient (``draws``), so the same patient draws the same numbers in every scenario.

The model layer: no Hydra, pandas or files; config in, arrays out.
"""
