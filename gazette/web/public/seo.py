"""What search engines and link previews read from a story page: the schema.org `NewsArticle`
(JSON-LD) and the values of the OpenGraph and Twitter card tags.

JSON-LD goes in a `<script type="application/ld+json">` block. Browsers never run such a block
(it is data), so the Content-Security-Policy that forbids scripts does not stop it; the JSON is
written so that nothing in it can close the block or start markup (`<`, `>` and `&` escaped).
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from gazette.web.public.views import StoryView

SCHEMA_CONTEXT = "https://schema.org"
DESCRIPTION_LENGTH = 300


def short(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text` cut at a word boundary to at most `limit` characters, for descriptions."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def news_article(story: StoryView, url: str, site_title: str, site_url: str) -> dict[str, Any]:
    """The story as a schema.org NewsArticle: headline, dates, keywords (its tags), the reports
    it cites (`citation`, as CreativeWorks with their outlet) and the site as publisher."""
    card = story.card
    article: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": card.headline,
        "description": short(card.summary),
        "datePublished": card.published_at.isoformat(),
        "dateModified": card.last_changed.isoformat(),
        "inLanguage": story.language,
        "keywords": [tag.name for tag in card.tags],
        "about": [
            {"@type": _thing_type(tag.kind), "name": tag.name}
            for tag in card.tags
            if tag.kind != "topic"
        ],
        "isAccessibleForFree": True,
        "publisher": {"@type": "NewsMediaOrganization", "name": site_title, "url": site_url},
        "citation": [
            {
                "@type": "CreativeWork",
                "name": ref.title,
                "url": ref.url,
                "publisher": {"@type": "Organization", "name": ref.outlet},
                **({"datePublished": ref.published_at.isoformat()} if ref.published_at else {}),
            }
            for ref in story.references
        ],
    }
    if card.tags:
        sections = [tag.name for tag in card.tags if tag.kind == "topic"]
        if sections:
            article["articleSection"] = sections
    return article


def _thing_type(kind: str) -> str:
    return {"person": "Person", "organisation": "Organization", "place": "Place"}.get(kind, "Thing")


def json_script(data: Any) -> Markup:
    """`data` as JSON that is safe inside a `<script type="application/ld+json">` block."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)
