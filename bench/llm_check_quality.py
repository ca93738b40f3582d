"""Benchmark: does the support check catch what a language model gets wrong, and keep what it gets
right?

Usage: python bench/llm_check_quality.py [--limit N] [--llm-url URL --llm-model NAME
       [--llm-timeout SECONDS] [--llm-max-tokens N]]

Scripted runs (always): for every story of the demo (15) and of neus-val (307), the facts the
default writer chose are handed to a model that restates them faithfully (tests/llmserver.py's
`parrot`, reading the very prompt the writer sends), and then to variants of that answer with one
known mistake each, as models make them:
- changed_figure: a number of one sentence changed (86 -> 103);
- negated: "not" put after the first auxiliary verb of one sentence ("was" -> "was not");
- denegated: the "not" of one sentence taken out ("was not" -> "was", "didn't" -> "did");
- swapped_name: a proper name of one sentence replaced by a name from another story;
- unrelated: a sentence of another story added, cited to source 1;
- wrong_citation: one sentence also cited to a source that does not report it (by the lexical
  check, which uses no embedding);
- paraphrased_quote: a word taken out of the quote; misattributed_quote: the quote given to a
  person of another story;
- invented_headline: a name of another story added to the headline.
and two variants that must pass: `faithful` (the answer as is) and `shortened` (sentences with
their trailing attribution cut: "..., the operator said." -> "...").

Each answer goes through `llm_writer.check_answer`, the code the pipeline runs. Reported: the
share of mistakes caught per kind (the mistaken text, citation or quote is not published), the
share of faithful and shortened sentences kept, and citation precision and recall of everything
published, by construction: a published sentence that is a fact's sentence (or its shortened
form) correctly cites the fact's supporters and any source the lexical check accepts; a
published mistake counts every citation it carries as wrong.

Real runs (with --llm-url and --llm-model, or GAZETTE_BENCH_LLM_URL and GAZETTE_BENCH_LLM_MODEL):
every story written by `write_with_llm` against that endpoint; citation precision of the result
judged by the lexical check alone (stricter than the writer's check, which also lets close
paraphrases through), how many sentences were kept, corrected, replaced or dropped, and the
check's commonest reasons for the model's sentences that did not pass.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from copy import deepcopy
from typing import Any

from common import ROOT, save_results
from summary_quality import NEUS, demo_stories, sources_of

from gazette.config import LLMSettings
from gazette.embedding import Embedder, default_embedder
from gazette.llm import ChatClient
from gazette.records import WrittenArticle
from gazette.sentences import polarity_words, proper_names
from gazette.write.compose import Plan, plan_article
from gazette.write.llm_writer import PASSED, build_messages, check_answer, write_with_llm
from gazette.write.quotes import find_quotes
from gazette.write.verify import check_support

sys.path.insert(0, str(ROOT / "tests"))
from llmserver import parrot

MAX_WORDS = 250
NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:\.\d+)?\b")
AUXILIARY = re.compile(r"\b(was|were|is|are|has|have|had|will|would|could|can|did|does)\b")
ATTRIBUTION = re.compile(
    r",\s+(?:[^,]{1,60}?\s+)?(?:said|says|reported|told [^,.]{1,40}|according to [^,.]{1,60})\.$"
)
MISTAKES = (
    "changed_figure",
    "negated",
    "denegated",
    "swapped_name",
    "unrelated",
    "wrong_citation",
    "paraphrased_quote",
    "misattributed_quote",
    "invented_headline",
)


class Story:
    """A story's plan, the faithful answer to it, and what the variants need to know."""

    def __init__(self, story: dict, embedder: Embedder) -> None:
        self.id = story["id"]
        self.plan: Plan = plan_article(sources_of(story), embedder, MAX_WORDS)
        self.answer = parrot({"messages": build_messages(self.plan, MAX_WORDS)})
        self.texts = [source.text for source in self.plan.originals]
        self.names = set().union(*(proper_names(f.sentence.text) for f in self.plan.chosen))
        self.people = [q.speaker for t in self.texts for q in find_quotes(t)]

    def mentions(self, name: str) -> bool:
        base = re.sub(r"['’]s$", "", name)
        return any(base in text for text in self.texts)

    def supporters(self, body_index: int) -> set[int]:
        """Source indexes that report fact F(body_index + 1): the writer's own, and any the
        lexical check accepts."""
        fact = self.plan.chosen[body_index]
        text = fact.sentence.text
        lexical = {i for i, t in enumerate(self.texts) if check_support(text, t).supported}
        return set(fact.supporters) | lexical


def changed(number: str) -> str:
    """A different, plausible value in the same format: 86 -> 103, 12,000 -> 14,400."""
    value = float(number.replace(",", ""))
    new = value + max(1, round(value * 0.2))
    if "," in number:
        return f"{new:,.0f}"
    if "." in number:
        return f"{new:.{len(number.split('.')[1])}f}"
    return str(int(new))


class Variant:
    """One answer with one known mistake (or none), and how to tell it was caught."""

    def __init__(
        self, kind: str, answer: dict, caught: Callable[[WrittenArticle], bool], detail: str = ""
    ) -> None:
        self.kind = kind
        self.answer = answer
        self.caught = caught
        self.detail = detail  # the mistake, for reading the misses
        self.mistaken_texts: set[str] = set()


def published(article: WrittenArticle) -> list:
    return [*article.summary, *article.body]


def sentence_mistake(
    kind: str, story: Story, rng: random.Random, rewrite: Callable[[str], str | None]
) -> Variant | None:
    """The answer with one body sentence rewritten (the first one `rewrite` can change)."""
    order = list(range(len(story.answer["body"])))
    rng.shuffle(order)
    for index in order:
        original = story.answer["body"][index]["text"]
        mistaken = rewrite(original)
        if mistaken and mistaken != original:
            answer = deepcopy(story.answer)
            answer["body"][index]["text"] = mistaken
            for item in answer["summary"]:
                if item["text"] == original:
                    item["text"] = mistaken
            variant = Variant(
                kind, answer, lambda a, m=mistaken: all(s.text != m for s in published(a)), mistaken
            )
            variant.mistaken_texts.add(mistaken)
            return variant
    return None


def variants(story: Story, other: Story, rng: random.Random) -> list[Variant]:
    found: list[Variant | None] = [Variant("faithful", story.answer, lambda a: True)]
    shortened = deepcopy(story.answer)
    for item in [*shortened["body"], *shortened["summary"]]:
        cut = ATTRIBUTION.sub(".", item["text"])
        if cut != item["text"] and len(cut.split()) >= 6:
            item["text"] = cut
    found.append(Variant("shortened", shortened, lambda a: True))

    def change_figure(text: str) -> str | None:
        match = NUMBER.search(text)
        if not match:
            return None
        return text[: match.start()] + changed(match.group()) + text[match.end() :]

    def negate(text: str) -> str | None:
        match = AUXILIARY.search(text)
        if not match or polarity_words(text):
            return None
        return text[: match.end()] + " not" + text[match.end() :]

    strangers = sorted(n for n in other.names if not story.mentions(n))

    def swap_name(text: str) -> str | None:
        names = sorted(proper_names(text))
        if not names or not strangers:
            return None
        return re.sub(rf"\b{re.escape(names[0])}\b", rng.choice(strangers), text, count=1)

    def denegate(text: str) -> str | None:
        cut = re.sub(r"\b(not|never) ", "", text, count=1)
        return cut if cut != text else re.sub(r"n[’']t\b", "", text, count=1)

    found.append(sentence_mistake("changed_figure", story, rng, change_figure))
    found.append(sentence_mistake("negated", story, rng, negate))
    found.append(sentence_mistake("denegated", story, rng, denegate))
    found.append(sentence_mistake("swapped_name", story, rng, swap_name))

    foreign = other.plan.chosen[0].sentence.text if other.plan.chosen else ""
    if foreign and not any(foreign in text for text in story.texts):
        answer = deepcopy(story.answer)
        answer["body"].append({"text": foreign, "facts": [1], "sources": [1]})
        unrelated = Variant(
            "unrelated", answer, lambda a: all(s.text != foreign for s in published(a))
        )
        unrelated.mistaken_texts.add(foreign)
        found.append(unrelated)

    found.append(wrong_citation(story, rng))
    found += quote_mistakes(story, other, rng)
    if strangers:
        answer = deepcopy(story.answer)
        answer["headline"] = f"{answer['headline']} as {rng.choice(strangers)} steps in"
        found.append(
            Variant(
                "invented_headline",
                answer,
                lambda a, h=answer["headline"]: a.headline != h,
                answer["headline"],
            )
        )
    return [v for v in found if v is not None]


def wrong_citation(story: Story, rng: random.Random) -> Variant | None:
    candidates = [
        (index, source)
        for index in range(len(story.answer["body"]))
        for source in range(len(story.texts))
        if source not in story.supporters(index)
    ]
    if not candidates:
        return None
    index, source = rng.choice(candidates)
    answer = deepcopy(story.answer)
    answer["body"][index]["sources"].append(source + 1)
    text = answer["body"][index]["text"]
    key = story.plan.originals[source].key

    def caught(article: WrittenArticle) -> bool:
        numbers = {r.number for r in article.references if r.key == key}
        return all(not numbers & set(s.citations) for s in published(article) if s.text == text)

    return Variant("wrong_citation", answer, caught, f"{text} cited to [{source + 1}]")


def quote_mistakes(story: Story, other: Story, rng: random.Random) -> list[Variant]:
    quote = story.answer.get("quote")
    if not quote:
        return []
    mistakes = []
    words = quote["text"].split()
    if len(words) >= 4:
        cut = rng.randrange(1, len(words) - 1)
        answer = deepcopy(story.answer)
        answer["quote"]["text"] = " ".join(words[:cut] + words[cut + 1 :])
        mistakes.append(
            Variant(
                "paraphrased_quote",
                answer,
                lambda a, t=answer["quote"]["text"]: a.quote is None or a.quote.text != t,
            )
        )
    strangers = [p for p in other.people if not story.mentions(p.split()[-1])]
    if strangers:
        answer = deepcopy(story.answer)
        answer["quote"]["speaker"] = speaker = rng.choice(strangers)
        mistakes.append(
            Variant(
                "misattributed_quote",
                answer,
                lambda a: a.quote is None or a.quote.speaker != speaker,
            )
        )
    return mistakes


class Tally:
    def __init__(self) -> None:
        self.cases: Counter[str] = Counter()
        self.caught: Counter[str] = Counter()
        self.kept: Counter[str] = Counter()
        self.proposed: Counter[str] = Counter()
        self.cited = self.cited_right = self.reporting = self.reporting_cited = 0
        self.misses: list[dict] = []
        self.rejected: list[dict] = []

    def add(self, story: Story, variant: Variant, article: WrittenArticle) -> None:
        if variant.kind in MISTAKES:
            self.cases[variant.kind] += 1
            caught = variant.caught(article)
            self.caught[variant.kind] += caught
            if not caught and len(self.misses) < 60:
                self.misses.append(
                    {"story": story.id, "kind": variant.kind, "mistake": variant.detail}
                )
        else:
            body = [d for d in article.checks if d.section == "body"]
            self.proposed[variant.kind] += len(body)
            self.kept[variant.kind] += sum(d.outcome in {"kept", "corrected"} for d in body)
            for d in body:
                if d.outcome not in {"kept", "corrected"} and len(self.rejected) < 60:
                    self.rejected.append(
                        {"story": story.id, "sentence": d.proposed, "why": d.reason}
                    )
        self.judge(story, variant, article)

    def judge(self, story: Story, variant: Variant, article: WrittenArticle) -> None:
        """Citation precision and recall by construction (see the module docstring)."""
        index_of = {source.key: i for i, source in enumerate(story.plan.originals)}
        key_of = {r.number: r.key for r in article.references}
        origin = {}
        for index, fact in enumerate(story.plan.chosen):
            fact_text = fact.sentence.text
            origin[fact_text] = index
            origin[ATTRIBUTION.sub(".", fact_text)] = index
        for sentence in published(article):
            if sentence.kind != "fact":
                continue
            cited = {index_of[key_of[n]] for n in sentence.citations}
            self.cited += len(cited)
            if sentence.text in variant.mistaken_texts or sentence.text not in origin:
                continue
            right = story.supporters(origin[sentence.text])
            self.cited_right += len(cited & right)
            self.reporting += len(right)
            self.reporting_cited += len(cited & right)

    def figures(self) -> dict[str, Any]:
        caught = {
            kind: {
                "cases": self.cases[kind],
                "caught": round(self.caught[kind] / self.cases[kind], 4)
                if self.cases[kind]
                else None,
            }
            for kind in MISTAKES
        }
        total = sum(self.cases.values())
        return {
            "mistakes": caught,
            "mistakes_caught": round(sum(self.caught.values()) / total, 4) if total else None,
            "kept": {
                kind: round(self.kept[kind] / self.proposed[kind], 4)
                if self.proposed[kind]
                else None
                for kind in ("faithful", "shortened")
            },
            "cited_pairs": self.cited,
            "citation_precision": round(self.cited_right / self.cited, 4) if self.cited else None,
            "citation_recall": (
                round(self.reporting_cited / self.reporting, 4) if self.reporting else None
            ),
            "missed_examples": self.misses,
            "rejected_faithful_examples": self.rejected,
        }


def scripted(stories: list[dict], embedder: Embedder) -> dict[str, Any]:
    planned = [Story(story, embedder) for story in stories]
    tally = Tally()
    for number, story in enumerate(planned):
        if not story.plan.chosen:
            continue
        rng = random.Random(number)
        other = planned[(number + 1) % len(planned)]
        for variant in variants(story, other, rng):
            article = check_answer(story.plan, variant.answer, embedder, "llm:scripted")
            tally.add(story, variant, article)
    return {"stories": len(planned), **tally.figures()}


def real(stories: list[dict], embedder: Embedder, settings: LLMSettings) -> dict[str, Any]:
    client = ChatClient(settings)
    outcomes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()  # why the model's sentences failed
    started = time.perf_counter()
    cited = supported = 0
    try:
        for story in stories:
            sources = sources_of(story)
            article = write_with_llm(sources, embedder, client, MAX_WORDS)
            body = [d for d in article.checks if d.section == "body"]
            outcomes.update(d.outcome for d in body)
            reasons.update(
                NUMBER.sub("N", reason)
                for d in body
                if d.outcome not in PASSED
                for reason in d.reason.split("; ")
            )
            outcomes["fallback"] += any(d.outcome == "fallback" for d in article.checks)
            text_of = {s.key: s.text for s in sources}
            key_of = {r.number: r.key for r in article.references}
            for sentence in published(article):
                if sentence.kind != "fact":
                    continue
                for number in sentence.citations:
                    cited += 1
                    supported += check_support(sentence.text, text_of[key_of[number]]).supported
    finally:
        client.close()
    return {
        "model": settings.model,
        "stories": len(stories),
        "seconds_per_story": round((time.perf_counter() - started) / max(1, len(stories)), 1),
        "body_decisions": dict(outcomes),
        "why_sentences_failed": dict(reasons.most_common(12)),
        "cited_pairs": cited,
        "citation_precision_lexical": round(supported / cited, 4) if cited else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N neus-val stories")
    parser.add_argument("--llm-url", default=os.environ.get("GAZETTE_BENCH_LLM_URL", ""))
    parser.add_argument("--llm-model", default=os.environ.get("GAZETTE_BENCH_LLM_MODEL", ""))
    defaults = LLMSettings()
    parser.add_argument(
        "--llm-timeout",
        type=float,
        default=defaults.timeout_seconds,
        help="seconds a request may take (a small model on a CPU can need minutes)",
    )
    parser.add_argument("--llm-max-tokens", type=int, default=defaults.max_tokens)
    args = parser.parse_args()
    embedder = default_embedder()
    sets = {"demo": demo_stories()}
    if NEUS.is_file():
        neus = [json.loads(line) for line in NEUS.read_text().splitlines() if line.strip()]
        sets["neus_val"] = neus[: args.limit] if args.limit else neus
    figures: dict[str, Any] = {name: scripted(stories, embedder) for name, stories in sets.items()}
    if args.llm_url:
        settings = LLMSettings(
            url=args.llm_url,
            model=args.llm_model,
            api_key=os.environ.get("GAZETTE_BENCH_LLM_KEY", ""),
            timeout_seconds=args.llm_timeout,
            max_tokens=args.llm_max_tokens,
        )
        figures["real"] = {
            name: real(stories, embedder, settings) for name, stories in sets.items()
        }
    save_results("llm_check_quality", figures)


if __name__ == "__main__":
    main()
