"""Research tools, run instead of a scenario when ``research.task`` names one:
global sensitivity analysis (``sensitivity``), a Plan-Do-Check-Act improvement loop
(``pdca``) and simulation-optimisation of staffing (``optimise``), all evaluating
variants of one configuration through ``evaluations`` (the configured runner, common
random numbers, resumable)."""
