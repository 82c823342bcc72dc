"""The Healthcare Complaints Analysis Tool (HCAT) classification, and the causes the
complaint model knows.

Gillespie & Reader, BMJ Qual Saf 2016: three domains, seven categories, severity
low / medium / high. Machine names (used in config keys, tables and KPI names) are
snake_case; ``CATEGORY_LABELS`` maps each to its HCAT name.
"""

from __future__ import annotations

DOMAINS = ("clinical", "management", "relationships")

# machine name -> HCAT name (Gillespie & Reader 2016; as in parameters.md)
CATEGORY_LABELS = {
    "quality": "quality",
    "safety": "safety",
    "environment": "environment",
    "institutional_processes": "institutional processes",
    "listening": "listening",
    "communication": "communication",
    "respect_and_patient_rights": "respect & patient rights",
}
CATEGORIES = tuple(CATEGORY_LABELS)

DOMAIN_OF = {
    "quality": "clinical",
    "safety": "clinical",
    "environment": "management",
    "institutional_processes": "management",
    "listening": "relationships",
    "communication": "relationships",
    "respect_and_patient_rights": "relationships",
}

SEVERITIES = ("low", "medium", "high")

# What produced a complaint: the driver it is attributed to (see sim.complaints.model).
# "background" stands for causes the model does not simulate (fees, outcomes, ...).
CAUSES = ("background", "wait", "deferral", "crowding", "communication", "quality", "safety")

# The categories each cause may produce. Background and communication complaints are
# split over their categories by configured shares; the others have one category.
CAUSE_CATEGORIES = {
    "background": CATEGORIES,
    "wait": ("institutional_processes",),
    "deferral": ("institutional_processes",),
    "crowding": ("environment",),
    "communication": ("listening", "communication", "respect_and_patient_rights"),
    "quality": ("quality",),
    "safety": ("safety",),
}

CHANNELS = ("onsite", "phone", "online")


def category_index(name: str) -> int:
    return CATEGORIES.index(name)


def domain_index_of_categories() -> list[int]:
    """For each category (in CATEGORIES order) the index of its domain in DOMAINS."""
    return [DOMAINS.index(DOMAIN_OF[c]) for c in CATEGORIES]
