"""Event catalogue: typed model, validated loading, queries."""

from bot.domain.catalogue.loader import DEFAULT_CATALOGUE_PATH, CatalogueError, load_catalogue
from bot.domain.catalogue.model import (
    Catalogue,
    Contact,
    Event,
    Figure,
    GlossaryEntry,
    Interview,
    InterviewQuestion,
    Month,
    Organiser,
    Person,
    Project,
    Topic,
)

__all__ = [
    "DEFAULT_CATALOGUE_PATH",
    "Catalogue",
    "CatalogueError",
    "Contact",
    "Event",
    "Figure",
    "GlossaryEntry",
    "Interview",
    "InterviewQuestion",
    "Month",
    "Organiser",
    "Person",
    "Project",
    "Topic",
    "load_catalogue",
]
