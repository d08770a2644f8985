"""The library by topic: modules on shelves, as the catalog and the homework site show them."""

from __future__ import annotations

from collections import Counter


def shelves(entries: list[dict]) -> list[tuple[str, list[dict]]]:
    """Modules on shelves by topic, as worksheet sites do: each under the topic it shares with
    the most other modules, leaving out topics so common (in over half) they would say nothing."""
    counts = Counter(topic for entry in entries for topic in entry["module"].topics)
    common = {topic for topic, n in counts.items() if n > len(entries) / 2}
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        topics = entry["module"].topics
        choices = [t for t in topics if t not in common] or list(topics)
        shelf = max(choices, key=lambda t: (counts[t], -topics.index(t)))
        groups.setdefault(shelf, []).append(entry)
    return [(topic.replace("-", " ").capitalize(), groups[topic]) for topic in sorted(groups)]
