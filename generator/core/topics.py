"""The library by topic: modules on shelves, as the catalog and the homework site show them."""

from __future__ import annotations

from collections import Counter

from .languages import N_, gettext

# Each topic's name, as the app, the catalog's shelves and the homework site show it.
TOPICS = {
    "anxiety": N_("anxiety"),
    "anxious-attachment": N_("anxious attachment"),
    "asking-for-help": N_("asking for help"),
    "attachment": N_("attachment"),
    "avoidant-attachment": N_("avoidant attachment"),
    "belonging": N_("belonging"),
    "boundaries": N_("boundaries"),
    "care": N_("care"),
    "codependency": N_("codependency"),
    "coercive-control": N_("coercive control"),
    "communication": N_("communication"),
    "community": N_("community"),
    "conflict": N_("conflict"),
    "couples": N_("couples"),
    "crisis": N_("crisis"),
    "dependence": N_("dependence"),
    "disability": N_("disability"),
    "family": N_("family"),
    "feedback": N_("feedback"),
    "getting-started": N_("getting started"),
    "goals": N_("goals"),
    "groups": N_("groups"),
    "independence": N_("independence"),
    "interdependence": N_("interdependence"),
    "journey": N_("journey"),
    "measures": N_("measures"),
    "mood": N_("mood"),
    "privacy": N_("privacy"),
    "repair": N_("repair"),
    "safety": N_("safety"),
    "secure-base": N_("secure base"),
    "self-compassion": N_("self-compassion"),
    "self-determination": N_("self-determination"),
    "self-worth": N_("self-worth"),
    "support": N_("support"),
    "support-network": N_("support network"),
    "technology": N_("technology"),
    "therapy": N_("therapy"),
    "trust": N_("trust"),
    "work": N_("work"),
}


def topic_name(topic: str, language: str = "en") -> str:
    """A topic in a language ('getting-started': 'getting started', 'para empezar'); a topic
    of a user's own: its words."""
    known = TOPICS.get(topic)
    return gettext(language)(known) if known else topic.replace("-", " ")


def shelves(entries: list[dict], language: str = "en") -> list[tuple[str, list[dict]]]:
    """Modules on shelves by topic, as worksheet sites do: each under the topic it shares with
    the most other modules, leaving out topics so common (in over half) they would say nothing.
    Each shelf is named in the language."""
    counts = Counter(topic for entry in entries for topic in entry["module"].topics)
    common = {topic for topic, n in counts.items() if n > len(entries) / 2}
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        topics = entry["module"].topics
        choices = [t for t in topics if t not in common] or list(topics)
        shelf = max(choices, key=lambda t: (counts[t], -topics.index(t)))
        groups.setdefault(shelf, []).append(entry)
    named = [(_capital(topic_name(topic, language)), groups[topic]) for topic in groups]
    return sorted(named, key=lambda shelf: shelf[0].casefold())


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]
