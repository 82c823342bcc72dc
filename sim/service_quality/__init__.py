"""Service quality beyond complaints: the post-visit SERVQUAL survey (``survey``) and
the escalation of complaints to doctor-patient disputes (``disputes``). Functions of a
replication's finished visits and complaints, beside the complaint model (the same
layer); information gaps are drawn with the day's demand (``sim.demand.information``)."""
