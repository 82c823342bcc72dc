"""hospital-sim: a discrete-event simulation of a hospital outpatient department."""
