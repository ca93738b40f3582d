"""What kind of piece an item is: a news report, or opinion, analysis, a review, a live blog, a
podcast or a newsletter.

Only news reports are sources of fact for a story. An opinion stated as fact ("Toppling the
regime sends a salutary message") is the worst thing an article can publish, so every other kind
is set aside before clustering: kept, counted, never cited as fact.

Outlets say what a piece is in several places, and any one of them is enough:
- the page's schema.org type (`OpinionNewsArticle`, `ReviewNewsArticle`, `LiveBlogPosting`...),
- a headline label ("Opinion | ...", "Analysis: ...", "LIVE: ..."),
- the section or the feed's categories ("Opinion", "Editorials", "Podcasts"),
- the URL path (`/opinion/`, `/commentisfree/`, `/live/`).

A signal is read as a label, never as a word of the text: "Opinion polls show..." is news, and so
is a page under `/news/analysis-of-water/`. The signals are listed in that order of trust: a
page's own declaration outranks its URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from urllib.parse import unquote, urlsplit


class ReportKind(StrEnum):
    NEWS = "news"
    OPINION = "opinion"
    ANALYSIS = "analysis"
    REVIEW = "review"
    LIVE = "live"
    PODCAST = "podcast"
    NEWSLETTER = "newsletter"


# schema.org types (https://schema.org/NewsArticle and its subtypes).
SCHEMA_TYPES = {
    "OpinionNewsArticle": ReportKind.OPINION,
    "AnalysisNewsArticle": ReportKind.ANALYSIS,
    "ReviewNewsArticle": ReportKind.REVIEW,
    "Review": ReportKind.REVIEW,
    "CriticReview": ReportKind.REVIEW,
    "LiveBlogPosting": ReportKind.LIVE,
    "PodcastEpisode": ReportKind.PODCAST,
    "AudioObject": ReportKind.PODCAST,
}

# Labels as outlets write them in headlines, sections, categories and URL paths; each compared
# whole, lower-cased, with hyphens and underscores read as spaces.
LABELS = {
    ReportKind.OPINION: (
        "opinion", "opinions", "editorial", "editorials", "op ed", "oped", "op eds",
        "commentary", "comment is free", "commentisfree", "column", "columns", "columnists",
        "guest essay", "letters", "letters to the editor", "viewpoint", "viewpoints",
        "perspective", "perspectives", "voices", "our view", "the big idea",
    ),
    ReportKind.ANALYSIS: ("analysis", "news analysis"),
    ReportKind.REVIEW: ("review", "reviews", "film review", "book review", "album review"),
    ReportKind.LIVE: ("live", "live blog", "liveblog", "live updates", "as it happened"),
    ReportKind.PODCAST: ("podcast", "podcasts", "audio", "listen"),
    ReportKind.NEWSLETTER: ("newsletter", "newsletters", "briefing", "morning briefing"),
}  # fmt: skip
BY_LABEL = {label: kind for kind, labels in LABELS.items() for label in labels}
# Labels too general to trust alone in a URL path ("/audio/" pages may be news clips).
PATH_ONLY_EXCLUDED = {"audio", "listen", "review", "perspective", "voices", "column"}
PATH_LABELS = {
    "comment": ReportKind.OPINION,
    "blogs": ReportKind.OPINION,
    "live news": ReportKind.LIVE,
    "live updates": ReportKind.LIVE,
}
# "Opinion | Why...", "ANALYSIS: ...", "Live – ...": a label, then a separator.
HEADLINE_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z' -]{1,30}?)\s*[|:\u2013\u2014]\s*\S")


def normalised_label(text: str) -> str:
    return " ".join(re.sub(r"[-_+]", " ", text).lower().split())


def kind_of_schema_types(types: Iterable[str]) -> ReportKind | None:
    for name in types:
        if name in SCHEMA_TYPES:
            return SCHEMA_TYPES[name]
    return None


def kind_of_headline(title: str) -> ReportKind | None:
    found = HEADLINE_LABEL.match(title or "")
    return BY_LABEL.get(normalised_label(found.group(1))) if found else None


def kind_of_labels(labels: Iterable[str]) -> ReportKind | None:
    """Sections or feed categories: the first that is a kind's label. A category path
    ("Opinion > Op-Ed", "World/Analysis") is read part by part."""
    for label in labels:
        for part in re.split(r"\s*[>/]\s*", label):
            kind = BY_LABEL.get(normalised_label(part))
            if kind is not None:
                return kind
    return None


def kind_of_url(url: str) -> ReportKind | None:
    """A path segment other than the last (the last is the piece's own slug)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    segments = [normalised_label(unquote(s)) for s in path.split("/") if s][:-1]
    for segment in segments:
        if segment in PATH_LABELS:
            return PATH_LABELS[segment]
        if segment not in PATH_ONLY_EXCLUDED and segment in BY_LABEL:
            return BY_LABEL[segment]
    return None


def report_kind(
    url: str = "",
    title: str = "",
    labels: Iterable[str] = (),
    schema_types: Iterable[str] = (),
) -> ReportKind:
    """The kind of a piece from what its feed or page declares; news when nothing says
    otherwise."""
    return (
        kind_of_schema_types(schema_types)
        or kind_of_headline(title)
        or kind_of_labels(labels)
        or kind_of_url(url)
        or ReportKind.NEWS
    )
