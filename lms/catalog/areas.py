"""The eleven DHCS core competency areas (WIC §18998(c)), with translated names."""

from __future__ import annotations

from lms.i18n import _l

AREAS = {
    "communication": _l("Communication"),
    "interpersonal": _l("Interpersonal and relationship building"),
    "service-coordination": _l("Service coordination and navigation"),
    "capacity-building": _l("Capacity building"),
    "advocacy": _l("Advocacy"),
    "education-facilitation": _l("Education and facilitation"),
    "assessment": _l("Individual and community assessment"),
    "professional-conduct": _l("Professional skills and conduct"),
    "outreach": _l("Outreach"),
    "evaluation-research": _l("Evaluation and research"),
    "public-health-sdoh": _l("Public health principles and social determinants of health"),
}


_ORDER = {code: index for index, code in enumerate(AREAS)}


def in_order(codes: list[str]) -> list[str]:
    """Area codes in the order the law lists them (the same in every language), unknown codes last."""
    return sorted(codes, key=lambda code: (_ORDER.get(code, len(_ORDER)), code))


def area_title(code: str) -> str:
    return str(AREAS.get(code, code))


def specialty_title(slug: str) -> str:
    """Specialties are free slugs (``asthma-preventive-services``); shown as words."""
    return slug.replace("-", " ").capitalize()


def area_choices() -> list[tuple[str, str]]:
    return [(code, str(title)) for code, title in AREAS.items()]
