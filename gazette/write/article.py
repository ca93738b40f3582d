"""The printed article: numbered references, cited sentences, headline and key quote.

A plan's facts become the summary (a standfirst of two or three sentences) and the body, which
carries on from it in paragraphs. Quotation marks are printed in one style. The key quote shown
beside the article is the attributed quotation most sources carry, other than one the summary
prints; the body does not print it again. The headline is the source title closest to the lead
facts, cleaned of outlet names, or, when no source has a usable title, written from the lead fact.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from gazette.figures import distinctive_figures, figures
from gazette.records import CitedSentence, Quote, Reference, SourceArticle, WrittenArticle
from gazette.text import normalise_for_matching
from gazette.urls import domain_of
from gazette.write.attribution import in_running_text, side_attribution
from gazette.write.choose import quote_restated
from gazette.write.clean import typeset_quotes
from gazette.write.facts import Fact, Side
from gazette.write.headline import (
    as_headline,
    case_headline,
    clean_headline,
    headline_from_sentence,
    is_fragment_headline,
    is_news_headline,
    is_usable_headline,
    states_news,
)
from gazette.write.order import paragraph_numbers
from gazette.write.quotes import FoundQuote, quote_key
from gazette.write.stance import judges_in_own_voice
from gazette.write.standalone import named_in_full

if TYPE_CHECKING:
    from gazette.write.compose import Plan, _Material


class References:
    """Reference numbers in order of first citation."""

    def __init__(self, originals: list[SourceArticle]) -> None:
        self.originals = originals
        self.numbers: dict[int, int] = {}

    def cite(self, source_indexes: list[int]) -> tuple[int, ...]:
        for index in source_indexes:
            self.numbers.setdefault(index, len(self.numbers) + 1)
        return tuple(sorted(self.numbers[i] for i in source_indexes))

    def outlet(self, index: int) -> str:
        source = self.originals[index]
        return source.outlet or domain_of(source.url) or f"source {self.numbers.get(index, '?')}"

    def references(self) -> list[Reference]:
        references = []
        for index, number in sorted(self.numbers.items(), key=lambda item: item[1]):
            source = self.originals[index]
            references.append(
                Reference(
                    number=number,
                    key=source.key,
                    url=source.url,
                    title=clean_headline(source.title, source.outlet, domain_of(source.url)),
                    outlet=self.outlet(index),
                    published=source.published,
                )
            )
        return references


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _side_sentences(side: Side, plan_material: _Material | None) -> dict[int, list[str]]:
    """For each source of the side, its sentences that give the side's figure."""
    found: dict[int, list[str]] = {}
    if plan_material is None:
        return found
    for index in side.sources:
        rows = plan_material.facts_by_source[index].rows
        found[index] = [
            plan_material.sentences[row].text
            for row in rows
            if any(f.value == side.figure.value for f in figures(plan_material.sentences[row].text))
        ]
    return found


def disagreement_sentence(
    sides: list[Side], refs: References, paragraph: int, material: _Material | None = None
) -> CitedSentence:
    """'The agency put the figure at X [1], while the police reported Y [2].' from the sources'
    own values, naming each side's authority where its sources give one (else its outlets)."""
    parts = []
    texts = [s.text for s in refs.originals]
    for number, side in enumerate(sides):
        by_source = _side_sentences(side, material)
        who = side_attribution([t for ts in by_source.values() for t in ts])
        if who is None:
            who = _join_names(list(dict.fromkeys(refs.outlet(i) for i in side.sources)))
        elif number > 0:
            who = in_running_text(who, texts)
        else:
            who = who[0].upper() + who[1:]
        markers = "".join(f"[{n}]" for n in refs.cite(side.sources))
        verb = "put the figure at" if number == 0 else "reported"
        parts.append(f"{who} {verb} {side.figure.phrase} {markers}")
    text = parts[0] + ", while " + _join_names(parts[1:]) + "."
    citations = refs.cite([i for side in sides for i in side.sources])
    return CitedSentence(text, citations, paragraph, kind="disagreement")


def _printed(fact: Fact, refs: References, paragraph: int, told: list[str]) -> CitedSentence:
    """The fact as printed after the sentences `told` (to which it is added): a person it names
    by surname alone, first named here, is named in full (`standalone.named_in_full`)."""
    texts = [refs.originals[i].text for i in fact.supporters]
    source = refs.originals[fact.sentence.source].text
    text = named_in_full(fact.sentence.text, " ".join(told), source, texts)
    told.append(text)
    return CitedSentence(typeset_quotes(text), refs.cite(fact.supporters), paragraph)


def best_quote(
    quotes: list[tuple[int, FoundQuote]], printed: list[str] | None = None
) -> list[tuple[int, str, str]]:
    """Where the quote carried by the most sources occurs (source index, text, speaker), leaving
    out quotations that `printed` sentences already hold; empty when there is none."""
    already = normalise_for_matching(" ".join(printed or [])).casefold()
    occurrences: dict[str, list[tuple[int, str, str]]] = {}
    for index, found in quotes:
        key = quote_key(found.text)
        if (
            key
            and key not in already
            and not any(tells_quote(s, found.text, found.speaker) for s in printed or [])
        ):
            occurrences.setdefault(key, []).append((index, found.text, found.speaker))
    if not occurrences:
        return []
    return max(
        occurrences.values(),
        key=lambda occ: (len({i for i, _, _ in occ}), -min(i for i, _, _ in occ)),
    )


def pick_quote(
    quotes: list[tuple[int, FoundQuote]], refs: References, printed: list[str] | None = None
) -> Quote | None:
    """The direct quote carried by the most sources, verbatim, with its most complete speaker;
    none that the `printed` sentences already hold."""
    best = best_quote(quotes, printed)
    if not best:
        return None
    cited = [i for i, _, _ in best if i in refs.numbers]
    index, text, _ = next((o for o in best if o[0] in cited), best[0])
    speaker = max((speaker for _, _, speaker in best), key=len)
    return Quote(text=text, speaker=speaker, citation=refs.cite([index])[0])


def _holds(fact: Fact, quotation: str, speaker: str) -> bool:
    text = fact.sentence.text
    return quote_key(quotation) in normalise_for_matching(text).casefold() or tells_quote(
        text, quotation, speaker
    )


def tells_quote(sentence: str, quotation: str, speaker: str) -> bool:
    """Whether the sentence tells the quotation again in reported speech: it names the speaker
    and restates the quotation (`choose.quote_restated`, by which a quote and its paraphrase are
    one fact). "Mayor Ilse Varga said she wanted both sides back at the table by Friday" tells
    "The door to my office is open, and I want both sides back at the table by Friday";
    "Governor Brask urged residents of low-lying areas to leave immediately" does not tell "We
    are asking everyone in the low-lying districts to leave now"."""
    surname = speaker.split()[-1].casefold() if speaker.split() else ""
    return (
        bool(surname)
        and surname in sentence.casefold()
        and quote_restated(f"“{quotation}”", sentence)
    )


# A number with its scale abbreviated, as headlines write it ("20.5M", "$740bn", "12K"); a
# small "m" or "k" only after a currency sign ("£20m", "$50k"): "40m" alone may be metres.
SCALE_ABBREVIATION = re.compile(r"(\d)\s?(M|mn|B|bn|K|tn)\b|([£$€][\d.,]*\d)(m|k)\b")
SCALES = {"M": "million", "mn": "million", "B": "billion", "bn": "billion", "K": "thousand"}
SCALES |= {"tn": "trillion", "m": "million", "k": "thousand"}
# A number that is part of a name ("COVID-19", "F-16"), not a figure.
NAME_NUMBER = re.compile(r"(?<=[A-Za-z])-\d+\b")


def figures_told(text: str) -> set[str]:
    """The distinctive figures of a title or a sentence, read alike: "20.5M" as "20.5 million",
    "14.7%" as "14.7 percent", and no figure in "COVID-19"."""
    spelled = SCALE_ABBREVIATION.sub(
        lambda m: f"{m.group(1) or m.group(3)} {SCALES[m.group(2) or m.group(4)]}", text
    )
    return distinctive_figures(NAME_NUMBER.sub("", spelled))


def pick_headline(material: _Material, chosen: list[Fact]) -> str:
    """The source title closest to the story's lead facts, cleaned of outlet names and cased
    as a headline; written from the lead fact when no source has a usable title. Preferred, in
    this order: a news report's title (news-style, and of a report that never judges in its own
    voice) before any news-style title, before any other; and within each, a title whose
    distinctive figures the article tells: "shares jump 11%" over an article that never
    mentions the shares would be a claim with no source."""
    main = chosen[:3] or chosen
    focus = material.vectors[[fact.sentence.row for fact in main]].mean(axis=0)
    scores = material.title_vectors @ focus
    told = set().union(*(figures_told(fact.sentence.text) for fact in chosen))
    texts = [source.text for source in material.originals]
    ranked = []
    for index in np.argsort(-scores):
        source = material.originals[int(index)]
        headline = clean_headline(source.title, source.outlet, domain_of(source.url))
        if is_usable_headline(headline) and not is_fragment_headline(headline, texts):
            news_style = is_news_headline(headline)
            reported = news_style and not judges_in_own_voice(source.title, source.text)
            untold = not figures_told(headline) <= told
            ranked.append(((not reported, not news_style, untold), headline))
    if ranked:
        best = min(ranked, key=lambda ranked_title: ranked_title[0])[1]  # the closest of the best
        return typeset_quotes(case_headline(as_headline(best), texts))
    return typeset_quotes(case_headline(as_headline(_lead_headline(chosen, texts)), texts))


def _lead_headline(chosen: list[Fact], texts: list[str]) -> str:
    """A headline written from the first chosen fact whose sentence gives one that keeps its
    main clause (`states_news`) and states news (not a question, a bare condition or a bidding:
    `is_fragment_headline`); the lead fact's when none does."""
    sentences = [fact.sentence.text for fact in chosen[:3]]
    stating = [sentence for sentence in sentences if states_news(sentence, texts)]
    written = [headline_from_sentence(sentence, texts) for sentence in stating or sentences]
    return next((h for h in written if not is_fragment_headline(h, texts)), written[0])


def print_article(plan: Plan) -> WrittenArticle:
    """The plan as printed. The key quote is told once: a body sentence that prints it gives way
    to it (unless another sentence must follow that one, or it is the body's only one)."""
    refs = References(plan.originals)
    told: list[str] = []
    summary = [_printed(fact, refs, 0, told) for fact in plan.summary]
    anchors = [f for f in plan.body if any(g.sentence.after == f.sentence.row for g in plan.body)]
    kept_out = [f.sentence.text for f in [*plan.summary, *anchors]]
    best = best_quote(plan.quotes, kept_out)
    facts = [f for f in plan.body if not (best and _holds(f, best[0][1], best[0][2]))]
    if plan.body and not facts:  # the body's one sentence stays: another quote, or none
        kept_out += [f.sentence.text for f in plan.body]
        facts = plan.body
    # the summary states one side of a disputed figure; the body opens with both
    body = [
        disagreement_sentence(fact.disagreement, refs, 0, plan.material)
        for fact in plan.summary
        if fact.disagreement
    ]
    shift = 1 if body else 0
    numbers = paragraph_numbers(facts, plan.material.similarity)
    for fact, paragraph in zip(facts, numbers, strict=True):
        body.append(_printed(fact, refs, paragraph + shift, told))
        if fact.disagreement:
            body.append(
                disagreement_sentence(fact.disagreement, refs, paragraph + shift, plan.material)
            )
    quote = pick_quote(plan.quotes, refs, kept_out)  # may add a reference: before the list
    return WrittenArticle(
        headline=pick_headline(plan.material, plan.chosen),
        summary=summary,
        body=body,
        references=refs.references(),
        quote=quote,
        brief=plan.brief,
    )
