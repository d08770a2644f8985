"""The library's search, in one place: the gallery's script sends what is typed and shows the
modules found. A word matches the words of a module's title, summary and topics whatever its
ending or hyphens ('codependent', 'co-dependency' and 'codependence' all find codependency),
a few everyday phrases stand for the topic they describe ('people pleasing'), and when nothing
matches the nearest topics are suggested."""

from __future__ import annotations

import difflib
import re
import unicodedata

from .. import api

# Everyday words for a topic, as people type them: each is read as the topic itself.
PHRASES = {
    "people pleasing": "codependency",
    "people pleaser": "codependency",
    "pleasing people": "codependency",
    "caretaking": "codependency",
    "enabling": "codependency",
    "rescuing": "codependency",
    "complacer": "codependencia",
    "complaciente": "codependencia",
    "self esteem": "self-worth",
    "autoestima": "autoestima valia",
    "loneliness": "asking-for-help support-network",
    "alone": "independence asking-for-help",
    "marriage": "couples",
    "partner": "couples",
}
# Endings that change a word's form but not its topic, longest first.
ENDINGS = (
    "ientes", "iente", "encias", "encia", "encies", "entes", "ente", "ency", "ence", "ents", "ent",
    "ings", "ing", "es", "s",
)  # fmt: skip


# The built-in topics in the app's words (the modules name them by these English keys in
# every language).
def topic_name(topic: str, language: str = "en") -> str:
    """A topic as the app shows it, in its language (a topic of your own: its words)."""
    return api.topic_name(topic, language)


def stems(text: str) -> list[str]:
    """The words of a text, lower case, without accents, hyphens or endings."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    plain = re.sub(r"(?<=[a-z])-(?=[a-z])", "", plain)
    return [_stem(word) for word in re.findall(r"[a-z0-9]+", plain)]


def _stem(word: str) -> str:
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def searchable(entry: dict, language: str) -> set[str]:
    """Every word a module can be found by."""
    topics = [f"{t} {topic_name(t, language)}" for t in entry["topics"]]
    return set(stems(" ".join([entry["title"], entry["summary"], *topics])))


def query_stems(query: str) -> list[str]:
    """What was typed, with each everyday phrase read as its topic."""
    text = " ".join(query.lower().split())
    for phrase, topic in PHRASES.items():
        text = re.sub(r"\b" + phrase.replace(" ", r"[\s-]+") + r"\b", topic, text)
    return stems(text)


def matches(entry: dict, words: list[str], language: str) -> bool:
    """Whether every word typed starts a word of the module (or its stem)."""
    found = searchable(entry, language)
    return all(any(_same(word, w) for w in found) for word in words)


def _same(typed: str, word: str) -> bool:
    """A word typed matches a module's word it begins, or one that begins it (not a short one:
    'a' begins too much)."""
    return word.startswith(typed) or (len(word) >= 4 and typed.startswith(word))


def search(entries: list[dict], query: str, topic: str, kind: str, language: str) -> dict:
    """The ids of the modules found, and when there are none the nearest topics."""
    words = query_stems(query)
    found = [
        e["id"]
        for e in entries
        if matches(e, words, language)
        and (not topic or topic in e["topics"])
        and (not kind or e["kind"] == kind)
    ]
    return {"ids": found, "suggestions": [] if found else nearest(entries, query, language)}


def nearest(entries: list[dict], query: str, language: str) -> list[list[str]]:
    """Up to three topics whose names are closest to what was typed (difflib), as [key, name]."""
    names = {topic_name(t, language): t for e in entries for t in e["topics"]}
    names |= {t.replace("-", " "): t for t in list(names.values())}
    close = difflib.get_close_matches(query.lower().strip(), names, n=6, cutoff=0.5)
    for word in query.lower().split():
        close += difflib.get_close_matches(word, names, n=3, cutoff=0.6)
    keys = list(dict.fromkeys(names[name] for name in close))[:3]
    return [[key, topic_name(key, language)] for key in keys]
