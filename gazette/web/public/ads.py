"""House ads: the publisher's markup from the config, sanitised before any page shows it.

What a house ad needs stays (links with their `rel`, images, simple formatting); what could
run code goes, with its content for `<script>` and `<style>`: event handler attributes,
`javascript:` and `data:` addresses, frames, forms, inline styles. nh3 (the binding of the
ammonia sanitiser) parses the markup as a browser would, so malformed tricks do not slip by.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"a", "abbr", "b", "br", "div", "em", "i", "img", "p", "small", "span", "strong"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "rel", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "title"},
}
ALLOWED_REL = {"sponsored", "nofollow", "noopener", "noreferrer", "ugc"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}  # relative addresses (`/tag/economy`) stay too


def _keep_known_rel(tag: str, attribute: str, value: str) -> str | None:
    """Only the `rel` keywords that describe a link, none that change how a page loads it."""
    if attribute != "rel":
        return value
    kept = [word for word in value.lower().split() if word in ALLOWED_REL]
    return " ".join(kept) or None


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_known_rel,
    link_rel=None,  # the publisher's own `rel` is kept (filtered above)
    url_schemes=ALLOWED_SCHEMES,
    strip_comments=True,
)


@lru_cache(maxsize=256)
def sanitise_ad(html: str) -> Markup:
    """The ad's markup with everything that could run code removed, safe to insert."""
    return Markup(_CLEANER.clean(html).strip())
