"""Render the demo corpus (demo/events/*.toml) into a mirror of eleven fictional news sites.

The articles are written once, as text, in the event files. This script turns them into what a
crawler would meet on the web: RSS 2.0 and Atom feeds whose links carry tracking parameters, and
full HTML pages with navigation, newsletter boxes, related links and footers around the article.
An article may be an opinion column (`kind = "opinion"`): its page and feed entry say so, as
real outlets do. It also writes the expected story grouping (`expected.json`, the columns apart
as each story's asides) that the tests check the pipeline
against, and the list of feed URLs the demo subscribes to (`sources.txt`).

Run it after editing an event file: `python demo/build_corpus.py`. The output is committed, and a
test checks that it matches what this script produces.
"""

from __future__ import annotations

import html
import json
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
SITE_DIR = DEMO_DIR / "site"
ATOM_NS = "http://www.w3.org/2005/Atom"
# Outlets whose feeds add campaign parameters to every link, as many real feeds do.
TRACKED_OUTLETS = {"courier", "dispatch", "signal", "lpost", "beacon"}


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    domain: str
    feed: str
    tagline: str

    @property
    def feed_path(self) -> str:
        return "feed.xml" if self.feed == "rss" else "atom.xml"


@dataclass(frozen=True)
class DemoArticle:
    event: str
    outlet: Outlet
    slug: str
    published: datetime
    author: str
    title: str
    description: str
    paragraphs: tuple[str, ...]
    wire: str | None
    # "news", or "opinion" for a column: its page declares it (schema.org type, /opinion/ path,
    # feed category), and the pipeline keeps it out of its story's facts.
    kind: str = "news"

    @property
    def section(self) -> str:
        return "opinion" if self.kind == "opinion" else "news"

    @property
    def path(self) -> str:
        return f"/{self.section}/{self.published:%Y/%m/%d}/{self.slug}"

    @property
    def url(self) -> str:
        return f"https://{self.outlet.domain}{self.path}"

    @property
    def feed_link(self) -> str:
        if self.outlet.key not in TRACKED_OUTLETS:
            return self.url
        return f"{self.url}?utm_source=rss&utm_medium=feed&utm_campaign={self.outlet.key}"


def load_outlets() -> dict[str, Outlet]:
    data = tomllib.loads((DEMO_DIR / "outlets.toml").read_text(encoding="utf-8"))
    return {key: Outlet(key=key, **fields) for key, fields in data["outlets"].items()}


def load_events(outlets: dict[str, Outlet]) -> tuple[list[dict], list[DemoArticle]]:
    events, articles = [], []
    for path in sorted((DEMO_DIR / "events").glob("*.toml")):
        event = tomllib.loads(path.read_text(encoding="utf-8"))
        events.append(event)
        for item in event["articles"]:
            paragraphs = tuple(p.strip() for p in item["body"].strip().split("\n\n") if p.strip())
            articles.append(
                DemoArticle(
                    event=event["event"],
                    outlet=outlets[item["outlet"]],
                    slug=item["slug"],
                    published=datetime.fromisoformat(item["published"]),
                    author=item["author"],
                    title=item["title"],
                    description=item["description"],
                    paragraphs=paragraphs,
                    wire=item.get("wire"),
                    kind=item.get("kind", "news"),
                )
            )
    return events, articles


def render_page(article: DemoArticle, related: list[DemoArticle]) -> str:
    """One of three page layouts, chosen per outlet, so extraction is not tuned to one template."""
    esc = html.escape
    outlet = article.outlet
    iso = article.published.isoformat().replace("+00:00", "Z")
    human = f"{article.published:%d %B %Y, %H:%M} UTC"
    ld = {
        "@context": "https://schema.org",
        "@type": "OpinionNewsArticle" if article.kind == "opinion" else "NewsArticle",
        "headline": article.title,
        "datePublished": iso,
        "author": {"@type": "Person", "name": article.author},
        "publisher": {"@type": "Organization", "name": outlet.name},
        "mainEntityOfPage": article.url,
    }
    head = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(article.title)} | {esc(outlet.name)}</title>
<link rel="canonical" href="{esc(article.url)}">
<link rel="alternate" type="application/{"rss" if outlet.feed == "rss" else "atom"}+xml" \
href="/{outlet.feed_path}" title="{esc(outlet.name)}">
<meta name="description" content="{esc(article.description)}">
<meta name="author" content="{esc(article.author)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(article.title)}">
<meta property="og:site_name" content="{esc(outlet.name)}">
<meta property="og:url" content="{esc(article.url)}">
<meta property="og:image" content="https://{outlet.domain}/images/{article.slug}.jpg">
<meta property="article:published_time" content="{iso}">
<script type="application/ld+json">{json.dumps(ld)}</script>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
"""
    nav = "".join(
        f'<li><a href="/{section.lower()}">{section}</a></li>'
        for section in ("News", "Business", "Sport", "Culture", "Opinion")
    )
    related_items = "".join(f'<li><a href="{esc(r.path)}">{esc(r.title)}</a></li>' for r in related)
    layout = sum(map(ord, outlet.key)) % 3
    if layout == 0:
        body = "\n".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        page = f"""<header class="masthead"><a class="logo" href="/">{esc(outlet.name)}</a>
<p class="tagline">{esc(outlet.tagline)}</p><nav><ul>{nav}</ul></nav></header>
<main>
<article>
<h1>{esc(article.title)}</h1>
<p class="byline">By <span class="author">{esc(article.author)}</span> &middot; \
<time datetime="{iso}">{human}</time></p>
<figure><img src="/images/{article.slug}.jpg" alt=""></figure>
<div class="article-body">
{body}
</div>
<div class="share">Share this article: <a href="#">Email</a> <a href="#">Copy link</a></div>
</article>
<aside class="newsletter"><h2>Get the morning briefing</h2>
<p>Sign up for our free newsletter and start every day with the stories that matter.</p>
<form><input type="email" placeholder="Your email"><button>Subscribe</button></form></aside>
<aside class="related"><h2>More from {esc(outlet.name)}</h2><ul>{related_items}</ul></aside>
</main>
"""
    elif layout == 1:
        chunks = []
        for index, paragraph in enumerate(article.paragraphs):
            chunks.append(f"<p>{esc(paragraph)}</p>")
            if index == 1:
                chunks.append('<div class="ad-label">Advertisement</div>')
        body = "\n".join(chunks)
        page = f"""<div id="top-bar"><a href="/subscribe">Subscribe</a>
<a href="/login">Log in</a></div>
<div class="site-header"><h2 class="site-name"><a href="/">{esc(outlet.name)}</a></h2>
<ul class="menu">{nav}</ul></div>
<div class="content">
<div class="story">
<h1 class="story-title">{esc(article.title)}</h1>
<div class="story-meta"><span class="by">{esc(article.author)}</span>
<span class="date">{human}</span></div>
<div class="story-text">
{body}
</div>
</div>
<div class="sidebar"><h3>Most read</h3><ol>{related_items}</ol></div>
</div>
"""
    else:
        body = "\n".join(f"<p>{esc(p)}</p>" for p in article.paragraphs)
        page = f"""<nav class="primary"><a href="/">{esc(outlet.name)}</a><ul>{nav}</ul></nav>
<section class="post">
<header><h1>{esc(article.title)}</h1>
<p><a rel="author" href="/authors/{article.author.lower().replace(" ", "-")}">\
{esc(article.author)}</a> <time datetime="{iso}">{human}</time></p></header>
<section class="post-content">
{body}
</section>
<p class="tags">Filed under: <a href="/{article.section}">{article.section.title()}</a></p>
</section>
<section class="read-next"><h2>Read next</h2><ul>{related_items}</ul></section>
"""
    footer = f"""<footer><p>&copy; 2026 {esc(outlet.name)}. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a>
<a href="/contact">Contact</a></p></footer>
</body>
</html>
"""
    return head + page + footer


def rss_feed(outlet: Outlet, articles: list[DemoArticle]) -> bytes:
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = outlet.name
    ET.SubElement(channel, "link").text = f"https://{outlet.domain}/"
    ET.SubElement(channel, "description").text = outlet.tagline
    ET.SubElement(channel, "language").text = "en"
    for article in articles:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = article.title
        ET.SubElement(item, "link").text = article.feed_link
        ET.SubElement(item, "description").text = article.description
        ET.SubElement(item, "category").text = article.section.title()
        ET.SubElement(item, "author").text = f"news@{outlet.domain} ({article.author})"
        ET.SubElement(item, "pubDate").text = article.published.strftime(
            "%a, %d %b %Y %H:%M:%S +0000"
        )
        ET.SubElement(item, "guid", isPermaLink="false").text = f"{outlet.key}-{article.slug}"
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"


def atom_feed(outlet: Outlet, articles: list[DemoArticle]) -> bytes:
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        element.text = text
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "title", outlet.name)
    sub(feed, "subtitle", outlet.tagline)
    sub(feed, "id", f"https://{outlet.domain}/")
    sub(feed, "link", href=f"https://{outlet.domain}/")
    sub(feed, "link", rel="self", href=f"https://{outlet.domain}/{outlet.feed_path}")
    sub(feed, "updated", max(a.published for a in articles).isoformat().replace("+00:00", "Z"))
    for article in articles:
        entry = sub(feed, "entry")
        sub(entry, "title", article.title)
        sub(entry, "link", rel="alternate", href=article.feed_link)
        sub(entry, "id", f"tag:{outlet.domain},2026:{article.slug}")
        stamp = article.published.isoformat().replace("+00:00", "Z")
        sub(entry, "published", stamp)
        sub(entry, "updated", stamp)
        author = sub(entry, "author")
        sub(author, "name", article.author)
        sub(entry, "category", term=article.section.title())
        sub(entry, "summary", article.description)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def expected_grouping(events: list[dict], articles: list[DemoArticle]) -> dict:
    stories: dict[str, list[str]] = {}
    asides: dict[str, list[str]] = {}
    wires: dict[str, list[str]] = {}
    for article in articles:
        if article.kind != "news":
            asides.setdefault(article.event, []).append(article.url)
            continue
        stories.setdefault(article.event, []).append(article.url)
        if article.wire:
            wires.setdefault(article.wire, []).append(article.url)
    return {
        "articles": len(articles),
        "outlets": len({a.outlet.key for a in articles}),
        "stories": stories,
        "asides": asides,
        "separate": [[e["event"], other] for e in events for other in e.get("separate_from", [])],
        "wire_groups": wires,
        "disagreements": {e["event"]: e["disagreement"] for e in events if "disagreement" in e},
    }


def build(target: Path = DEMO_DIR) -> list[Path]:
    """Write the site mirror, the expected grouping and the source list under `target`."""
    outlets = load_outlets()
    events, articles = load_events(outlets)
    written: list[Path] = []

    def write(path: Path, content: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)

    site = target / "site"
    for outlet in outlets.values():
        own = sorted(
            (a for a in articles if a.outlet.key == outlet.key),
            key=lambda a: a.published,
            reverse=True,
        )
        for article in own:
            related = [a for a in own if a is not article][:4]
            page = render_page(article, related).encode("utf-8")
            write(site / outlet.domain / f"{article.path.lstrip('/')}.html", page)
        feed = rss_feed(outlet, own) if outlet.feed == "rss" else atom_feed(outlet, own)
        write(site / outlet.domain / outlet.feed_path, feed)

    grouping = expected_grouping(events, articles)
    write(target / "expected.json", (json.dumps(grouping, indent=2) + "\n").encode("utf-8"))
    feeds = sorted(f"https://{o.domain}/{o.feed_path}" for o in outlets.values())
    write(target / "sources.txt", ("\n".join(feeds) + "\n").encode("utf-8"))
    return written


if __name__ == "__main__":
    paths = build()
    print(f"wrote {len(paths)} files under {DEMO_DIR}")
