"""Benchmark: does the default writer's article read as one clean news story?

Usage: python bench/readability.py [--limit N] [--sets demo,neus,ecbplus] [--show N]

Writes every story of the demo (15), neus-val (307, three short excerpts each) and the ECB+ dev
slice (42 gold events, all their full-text articles) with `gazette.write.write_article`, tags it
with `gazette.tag.tag_story`, and counts each defect a reader notices, per 100 articles. Every
count is mechanical and written here, independently of the writer's own rules, so that it can
disagree with them:

- repeated_summary: summary sentences that the body prints again (same words, or 80% of the
  same content words);
- near_duplicate_pairs: pairs of printed sentences (summary and body) that say the same thing:
  the shorter has 60% of its content words in the other, or both give the same figures (not
  years alone) and share 40% of their content words, or one's quotation is 60% of the other's
  words (a quote and its paraphrase);
- unresolved_references: sentences that open with a word pointing back ("He", "They", "This",
  "That promise", "The company", "But"...) where the sentence printed before it is not the one
  that comes before it in a source (nor says what that one says), so nothing names what it
  points to; the first sentence of the summary and of the body count likewise;
- speakerless_quotes: sentences holding a quotation of four words or more with no attribution
  in the sentence (no "said", "told", "according to"...), or attributed to a bare pronoun
  ("she said") that is unresolved as above;
- junk: sentences, headlines or tags with a source's citation marker ("[2]"), "Advertisement",
  a placeholder, a byline, a photo credit, a dateline, a newsletter, subscribe, share or "Read
  more" prompt, or words run together from a tag list ("QiangWorld": a capital inside a word
  that English does not know as one word, as it knows "AstraZeneca"; wordfreq's list); reference
  titles that keep an outlet's name (" | Signal Business");
- long_headlines (more than 14 words) and cut_headlines (ending in "...", a comma, or a word
  such as "the" or "and" that cannot end one; a verb's particle, as in "as the shutdown
  stretches on", can, and spaCy's parser tells it from a preposition that lost its object);
- second_person: sentences that address the reader ("you", "your") outside a quotation;
- mixed_quote_marks: articles whose text uses both straight and curly double quotation marks;
- failed: stories for which the writer wrote no article.

Also reported, without a target: lead_not_most_reported, the articles whose first sentence
cites fewer sources than some other sentence of the article.

Every article is written to bench/results/readability_articles-<sets>.jsonl with its sources,
for reading; `--show N` prints the first N of each set with their sources.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import tomllib
from collections import Counter
from itertools import combinations, pairwise
from pathlib import Path

from common import ECBPLUS, NEUS, ROOT, save_results
from summary_quality import sources_of
from wordfreq import zipf_frequency

from gazette.embedding import Embedder, default_embedder
from gazette.errors import InputError
from gazette.records import SourceArticle, WrittenArticle
from gazette.tag import tag_story
from gazette.text import normalise_for_matching
from gazette.write import write_article
from gazette.write.trim import parser

STOP = frozenset(
    re.findall(
        r"\w+",
        "a an the and or but of to in on at by for with from as is are was were be been has have "
        "had it its this that these those he she they his her their them him i we you our your "
        "not no said says say told will would can could may might also than then there here "
        "which who whom what when where while after before over into about up out so if",
    )
)
WORD = re.compile(r"[\w’'-]+")
FIGURE = re.compile(r"\d[\d,.]*")
YEAR = re.compile(r"^(?:19|20)\d\d$")
REFERENCE_OPENERS = re.compile(
    r"^[\"“‘']?(?:He|She|They|It|His|Her|Their|Its|Them|Him|This|That|These|Those|Such|"
    r"Both|Neither|Either|But|And|Yet|So|Also|Still|Instead|The same|"
    r"The (?:company|firm|move|remarks|comments|decision|announcement|statement|promise|"
    r"incident|pair|couple|two|three|latter|former|group|official|spokesman|spokeswoman|"
    r"spokesperson|star|actor|actress|singer|victim|suspect|man|woman))\b"
)
QUOTATION = re.compile(r"[\"“]([^\"“”]+)[\"”]")
ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|wrote|writes|explained|warned|insisted|"
    r"admitted|asked|according to|stated|declared|tweeted|recalled|argued|noted|claimed|"
    r"acknowledged|announced|replied|quipped|urged|described|called|calling|saying|dubbed|"
    r"termed|labell?ed|branded|protested|slogans?)\b",
    re.IGNORECASE,
)
PRONOUN_ATTRIBUTION = re.compile(
    r"(?:[,\"”]\s*(?:he|she|they)\s+(?:said|says|added|told)|(?:said|says|added)\s+(?:he|she)[.,])",
    re.IGNORECASE,
)
JUNK = re.compile(
    r"\[\d+\]|\badvertisement\b|\bplaceholder\b|\bsubscribe\b|\bnewsletter\b|\bsign up\b|"
    r"\bread more\b|\bclick here\b|\bshare (?:this|on)\b|\bfollow us\b|\(photo\b|\bphoto:|"
    r"\bgetty images\b|\bAP Photo\b|\ball rights reserved\b|©|\bcopyright\b|"
    # a byline: "By" and a capitalised name, not "By the end..."
    r"(?-i:^[Bb]y [A-Z][a-z]+ )",
    re.IGNORECASE,
)
# A dateline: a place in capitals, then a date or an agency and a dash, or a long dash alone
# ("NATO - Russia talks" is not one).
DATELINE = re.compile(
    r"^[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+)*"
    r"(?:(?:,[^-–—]{1,30}|\s*\([A-Za-z .]+\))\s*[-–—]{1,2}|\s+[—–])\s"
)
RUN_TOGETHER = re.compile(r"[A-Z][a-z]{3,}[A-Z]")
HEADLINE_MAX_WORDS = 14
CUT_END = re.compile(
    r"(?:\.\.\.|…|[,;:–—-]|\b(?:the|a|an|and|or|of|to|in|on|for|with|at|by|from|as))$",
    re.IGNORECASE,
)
RESULTS = ROOT / "bench" / "results"
# The near-duplicate rule (see same_thing), set against the hand labels.
SAME_NAMES = 0.5
CLAIM_SHARED = 0.3
SAME_SHARED = 0.35
CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")
OPENING = re.compile(r"(?:^|[.!?:]\s+|[\"“‘(]\s*)$")
SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself)\b", re.IGNORECASE)

DEFECTS = (
    "repeated_summary",
    "near_duplicate_pairs",
    "unresolved_references",
    "speakerless_quotes",
    "junk",
    "long_headlines",
    "cut_headlines",
    "second_person",
    "mixed_quote_marks",
    "failed",
)


def words_of(text: str) -> set[str]:
    lowered = normalise_for_matching(text).casefold()
    return {w.strip("'-").removesuffix("s") for w in WORD.findall(lowered)} - STOP - {""}


def figures_of(text: str) -> set[str]:
    values = {f.rstrip(".,").replace(",", "") for f in FIGURE.findall(text)}
    return {v for v in values if v and not YEAR.match(v)}


def contained(a: set[str], b: set[str]) -> float:
    """The share of the smaller set's words that the other holds."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small) if small else 0.0


def _stem(word: str) -> str:
    """A crude stem, so that "charged" and "charges", "blocking" and "blocked" meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def stems_of(text: str) -> set[str]:
    words = WORD.findall(normalise_for_matching(text).casefold())
    return {_stem(w.strip("'’-")) for w in words if w.strip("'’-") not in STOP} - {""}


def names_of(text: str, known: set[str] = frozenset()) -> set[str]:
    """Stems of the capitalised words: the names a sentence is about. A capitalised word that
    opens the sentence (or a quotation) counts only when it is in `known` (the other
    sentence's names): "Lohan has spent..." beside "Lindsay Lohan", not "Passwords were...".
    """
    found = set()
    for match in CAPITALISED.finditer(text):
        word = _stem(match.group().casefold().removesuffix("’s").removesuffix("'s").strip("'’-"))
        opening = bool(OPENING.search(text[: match.start()]))
        if not opening or word in known:
            found.add(word)
    return found


def same_thing(first: str, second: str) -> bool:
    """Whether two sentences make the same claim (hand-labelled pairs in
    bench/labels/near-duplicate-pairs.jsonl; bench/README.md): of the sentence with fewer
    content words, every figure is in the other (no figure of one contradicts the other), at
    least half its names are in the other (the same people, places, organisations), at least
    CLAIM_SHARED of what it says of them (its content words less names and figures: the verb
    and its objects) and SAME_SHARED of all its content words are in the other. Sharing a
    subject is not enough ("Lohan has spent time at Betty Ford before" beside "Lohan has checked
    into the Betty Ford Center"), nor are shared words about other people ("Peter Capaldi is to
    be the new star" beside a sentence on Peter Davison, the studio's star guest). A quotation and
    a sentence that says most of its words in other marks are one fact too."""
    a, b = stems_of(first), stems_of(second)
    short, long_ = (first, second) if len(a) <= len(b) else (second, first)
    said, other = (a, b) if short is first else (b, a)
    if len(said) >= 3 and figures_of(short) <= figures_of(long_):
        names = names_of(short, names_of(long_)) & said
        values = {_stem(v) for v in figures_of(short)}
        claim = said - names - values
        named = not names or len(names & other) / len(names) >= SAME_NAMES
        told = bool(claim) and len(claim & other) / len(claim) >= CLAIM_SHARED
        if named and told and len(said & other) / len(said) >= SAME_SHARED:
            return True
    for quoting, restating in ((first, second), (second, first)):
        for quotation in QUOTATION.findall(quoting):
            quoted = words_of(quotation)
            restated = len(quoted) >= 4 and contained(quoted, words_of(restating)) >= 0.6
            if restated and quotation not in restating:
                return True
    return False


class Context:
    """The sentences that come right before each sentence in the story's sources."""

    def __init__(self, sources: list[SourceArticle]) -> None:
        self.before: dict[str, list[set[str]]] = {}
        for source in sources:
            sentences = _rough_sentences(source.text)
            for previous, sentence in pairwise(sentences):
                self.before.setdefault(_key(sentence), []).append(words_of(previous))

    def follows(self, sentence: str, previous: str | None) -> bool:
        """Whether `previous` says what the sentence before `sentence` in a source says."""
        if previous is None:
            return False
        candidates = self.before.get(_key(sentence), [])
        said = words_of(previous)
        return any(said and contained(said, words) >= 0.6 for words in candidates)


def _rough_sentences(text: str) -> list[str]:
    """Sentences as a reader sees them: split after . ! ? (and a closing quote) before a capital."""
    parts = re.split(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘]?[A-Z0-9])|\n+", text)
    return [p.strip() for p in parts if p.strip()]


def _key(sentence: str) -> str:
    words = WORD.findall(normalise_for_matching(sentence).casefold())
    return " ".join(words[:12])


def is_junk(text: str) -> bool:
    return bool(JUNK.search(text) or DATELINE.match(text))


def run_together(name: str) -> bool:
    """Whether a tag holds words run together ("QiangWorld"), not a word spelt with a capital
    inside it ("AstraZeneca", "YouTube")."""
    return any(
        zipf_frequency(word, "en") == 0 for word in name.split() if RUN_TOGETHER.search(word)
    )


def is_cut(headline: str) -> bool:
    """Whether a headline ends where no headline can: "...", a comma, an article, a preposition
    without its object (not a verb's particle: "as the shutdown stretches on")."""
    if not CUT_END.search(headline):
        return False
    last = parser()(headline)[-1]
    return last.dep_ != "prt"


def headline_defects(headline: str) -> Counter:
    found: Counter = Counter()
    if len(headline.split()) > HEADLINE_MAX_WORDS:
        found["long_headlines"] += 1
    if is_cut(headline.strip()):
        found["cut_headlines"] += 1
    if is_junk(headline) or " | " in headline:
        found["junk"] += 1
    return found


def near_duplicates(printed: list[str]) -> list[tuple[str, str]]:
    """The pairs of different printed sentences that say the same thing (a sentence printed
    twice word for word is counted as a repeated summary sentence instead)."""
    return [
        (first, second)
        for first, second in combinations(printed, 2)
        if first != second and same_thing(first, second)
    ]


def count_defects(article: WrittenArticle, sources: list[SourceArticle]) -> Counter:
    found: Counter = headline_defects(article.headline)
    summary = [s.text for s in article.summary]
    body = [s.text for s in article.body if s.kind == "fact"]
    printed = [*summary, *body]
    body_keys = {normalise_for_matching(s).casefold() for s in body}
    for sentence in summary:
        key = normalise_for_matching(sentence).casefold()
        if key in body_keys or any(contained(words_of(sentence), words_of(b)) >= 0.8 for b in body):
            found["repeated_summary"] += 1
    found["near_duplicate_pairs"] += len(near_duplicates(printed))
    context = Context(sources)
    order = [(s, None if i == 0 else summary[i - 1]) for i, s in enumerate(summary)]
    order += [(s, None if i == 0 else body[i - 1]) for i, s in enumerate(body)]
    for sentence, previous in order:
        resolved = context.follows(sentence, previous)
        if REFERENCE_OPENERS.match(sentence) and not resolved:
            found["unresolved_references"] += 1
        quotations = [q for q in QUOTATION.findall(sentence) if len(q.split()) >= 4]
        if quotations:
            outside = QUOTATION.sub(" ", sentence)
            pronoun_only = PRONOUN_ATTRIBUTION.search(sentence) and not resolved
            if not ATTRIBUTION.search(outside) or pronoun_only:
                found["speakerless_quotes"] += 1
        if SECOND_PERSON.search(QUOTATION.sub(" ", sentence)):
            found["second_person"] += 1
        if is_junk(sentence):
            found["junk"] += 1
    for tag in article.tags:
        if is_junk(tag.name) or run_together(tag.name):
            found["junk"] += 1
    for reference in article.references:
        if " | " in reference.title or (
            reference.outlet and reference.title.endswith(f" - {reference.outlet}")
        ):
            found["junk"] += 1
    text = " ".join([article.headline, *printed])
    if re.search(r"\"", text) and re.search(r"[“”]", text):
        found["mixed_quote_marks"] += 1
    citations = [len(s.citations) for s in [*article.summary, *article.body]]
    if citations and citations[0] < max(citations):
        found["lead_not_most_reported"] += 1
    return found


def demo_with_outlets() -> list[dict]:
    """The demo's news reports with each one's outlet name, address and time, as the pipeline
    reads them (the references' titles keep their outlet suffixes, as the feeds give them); the
    opinion column is left out, as the pipeline places it beside its story, never among its
    sources."""
    outlets = tomllib.loads((ROOT / "demo" / "outlets.toml").read_text())["outlets"]
    stories = []
    for path in sorted((ROOT / "demo" / "events").glob("*.toml")):
        event = tomllib.loads(path.read_text())
        sources = [
            {
                "title": a["title"],
                "text": a["body"],
                "source": outlets[a["outlet"]]["name"],
                "url": f"https://{outlets[a['outlet']]['domain']}/{a['slug']}",
                "published": a["published"],
            }
            for a in event["articles"]
            if a.get("kind", "news") == "news"  # as the pipeline: opinion is never a source
        ]
        stories.append({"id": event["event"], "sources": sources})
    return stories


def ecbplus_stories() -> list[dict]:
    """The ECB+ gold events, each with all its articles as sources."""
    rows = [json.loads(line) for line in ECBPLUS.read_text().splitlines() if line.strip()]
    events: dict[str, list[dict]] = {}
    for row in rows:
        events.setdefault(row["cluster"], []).append(
            {"title": row["title"], "text": row["text"], "source": row.get("source") or ""}
        )
    return [{"id": key, "sources": sources} for key, sources in sorted(events.items())]


def measure(name: str, stories: list[dict], embedder: Embedder, log) -> dict:
    totals: Counter = Counter()
    started = time.perf_counter()
    for story in stories:
        sources = sources_of(story)
        try:
            article = write_article(sources, embedder)
        except InputError as exc:
            totals["failed"] += 1
            log.write(json.dumps({"set": name, "id": story["id"], "error": str(exc)}) + "\n")
            continue
        article.tags = tag_story(sources)
        found = count_defects(article, sources)
        totals.update(found)
        log.write(json.dumps(_record(name, story, article, sources, found)) + "\n")
    per_100 = {d: round(100 * totals[d] / len(stories), 1) for d in (*DEFECTS,)}
    per_100["lead_not_most_reported"] = round(100 * totals["lead_not_most_reported"] / len(stories))
    return {
        "stories": len(stories),
        "per_100_articles": per_100,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _record(name, story, article, sources, found) -> dict:
    return {
        "set": name,
        "id": story["id"],
        "defects": dict(found),
        "headline": article.headline,
        "summary": [s.text for s in article.summary],
        "body": [
            {"paragraph": s.paragraph, "text": s.with_markers(), "kind": s.kind}
            for s in article.body
        ],
        "quote": {"text": article.quote.text, "speaker": article.quote.speaker}
        if article.quote
        else None,
        "tags": [t.name for t in article.tags],
        "references": [f"[{r.number}] {r.outlet}: {r.title}" for r in article.references],
        "near_duplicates": near_duplicates(
            [s.text for s in article.summary] + [s.text for s in article.body if s.kind == "fact"]
        ),
        "sources": [{"title": s.title, "outlet": s.outlet, "text": s.text} for s in sources],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N stories of each set")
    parser.add_argument("--sets", default="demo,neus,ecbplus")
    parser.add_argument("--show", type=int, default=0, help="print N articles of each set")
    args = parser.parse_args()
    embedder = default_embedder()
    sets: dict[str, list[dict]] = {}
    wanted = args.sets.split(",")
    if "demo" in wanted:
        sets["demo"] = demo_with_outlets()
    for name, path, load in (("neus", NEUS, None), ("ecbplus", ECBPLUS, ecbplus_stories)):
        if name not in wanted:
            continue
        if not path.is_file():
            print(f"skipping {name}: {path} not found")
            continue
        sets[name] = load() if load else [json.loads(x) for x in path.read_text().splitlines()]
    figures = {}
    RESULTS.mkdir(exist_ok=True)
    articles = RESULTS / f"readability_articles-{'-'.join(sets)}.jsonl"
    with articles.open("w") as log:
        for name, stories in sets.items():
            stories = stories[: args.limit] if args.limit else stories
            figures[name] = measure(name, stories, embedder, log)
    if args.show:
        _show(articles, args.show)
    save_results("readability", figures)


def _show(articles: Path, count: int) -> None:
    shown: Counter = Counter()
    for line in articles.read_text().splitlines():
        record = json.loads(line)
        if shown[record["set"]] >= count or "error" in record:
            continue
        shown[record["set"]] += 1
        print(f"\n=== {record['set']} {record['id']} {record['defects']}")
        print("HEADLINE:", record["headline"])
        print("SUMMARY:", " ".join(record["summary"]))
        for sentence in record["body"]:
            print(f"  ({sentence['paragraph']}) {sentence['text']}")
        print("QUOTE:", record["quote"], "TAGS:", record["tags"])
        for number, source in enumerate(record["sources"], start=1):
            print(f"  -- source {number} {source['outlet']}: {source['title']}")
            print("    ", source["text"][:1200].replace("\n", "\n     "))


if __name__ == "__main__":
    main()
