"""The support check of a model's answer: what of it is published, and every decision.

Each sentence is checked against every source it cites (`verify.check_support`); citations are
corrected, unsupported sentences replaced by the default writer's sentence of the fact they name
or dropped, and sentences that no source could make printable (page furniture, a quotation
without its speaker, a judgement that no one is named as making, a section that opens by
pointing back, a sentence cut off) are dropped
whatever their sources say. The quote and the headline are checked likewise. See
`gazette.write.llm_writer` for the whole account.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gazette.embedding import Embedder
from gazette.records import CheckDecision, CitedSentence, Quote
from gazette.text import normalise_for_matching
from gazette.write.article import References, disagreement_sentence, pick_headline, pick_quote
from gazette.write.clean import is_clean, typeset_quotes
from gazette.write.compose import Plan
from gazette.write.facts import Fact, claims_of
from gazette.write.quotes import quote_key
from gazette.write.stance import is_unattributed_judgement
from gazette.write.standalone import REFERENCE_OPENER, has_speakerless_quote
from gazette.write.verify import Verdict, check_support

MARKERS = re.compile(r"\s*\[(\d+)\]")
# The check's outcomes for a sentence of the model's that is published as the model wrote it.
PASSED = frozenset({"kept", "corrected"})
HEADLINE_WORDS = (3, 20)
# A sentence ends with its full stop, question or exclamation mark, perhaps inside a closing
# quotation mark or bracket.
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Proposal:
    """One sentence of the model's answer, read defensively."""

    text: str
    facts: tuple[int, ...]  # indexes into plan.chosen
    sources: tuple[int, ...]  # indexes into plan.originals
    paragraph: int | None
    problems: tuple[str, ...]  # what was wrong with its fields


def _unfit(text: str, first: bool) -> str | None:
    """What makes a sentence unprintable whatever its sources say, or None."""
    if not is_clean(text):
        return "page furniture, a reader addressed as 'you', or an unclosed quotation"
    if has_speakerless_quote(text):
        return "a quotation without its speaker"
    if is_unattributed_judgement(text):
        return "a judgement in the writer's own voice, said by no one"
    if first and REFERENCE_OPENER.match(text):
        return "opens by pointing back to a sentence that is not there"
    return None


def _ints(value: Any) -> list[int]:
    if isinstance(value, int | str):
        value = [value]
    if not isinstance(value, list):
        return []
    numbers = []
    for item in value:
        text = str(item).strip().lstrip("F[").rstrip("]")
        if text.isdigit():
            numbers.append(int(text))
    return numbers


def read_proposal(item: Any, plan: Plan) -> Proposal:
    if isinstance(item, str):
        item = {"text": item}
    if not isinstance(item, dict):
        return Proposal("", (), (), None, (f"not a sentence object: {item!r:.80}",))
    raw = str(item.get("text") or "").strip()
    inline = [int(n) for n in MARKERS.findall(raw)]
    text = MARKERS.sub("", raw).strip()
    problems = []
    facts = []
    for number in _ints(item.get("facts")):
        if 1 <= number <= len(plan.chosen):
            facts.append(number - 1)
        else:
            problems.append(f"fact F{number} does not exist")
    sources = []
    for number in _ints(item.get("sources")) or inline:
        if 1 <= number <= len(plan.originals):
            sources.append(number - 1)
        else:
            problems.append(f"source [{number}] does not exist")
    paragraph = item.get("paragraph")
    return Proposal(
        text,
        tuple(dict.fromkeys(facts)),
        tuple(dict.fromkeys(sources)),
        paragraph if isinstance(paragraph, int) and paragraph >= 0 else None,
        tuple(problems),
    )


class Checker:
    """Checks the answer's pieces against the plan's sources, numbering references as it goes."""

    def __init__(self, plan: Plan, embedder: Embedder, texts: list[str]) -> None:
        self.plan = plan
        self.refs = References(plan.originals)
        self.decisions: list[CheckDecision] = []
        self.used: set[str] = set()
        self.given_facts: set[int] = set()
        self.summarised: set[int] = set()  # the facts the summary states
        known = [t for t in dict.fromkeys(texts) if t]
        vectors = embedder.encode(known) if known else np.zeros((0, 1))
        self._vectors = dict(zip(known, vectors, strict=True))

    def _similarity(self, text: str, source: int) -> float | None:
        rows = self.plan.material.facts_by_source[source].rows
        vector = self._vectors.get(text)
        if vector is None or not rows:
            return None
        return float((self.plan.material.vectors[rows] @ vector).max())

    def _verdict(self, text: str, source: int) -> Verdict:
        return check_support(text, self.plan.originals[source].text, self._similarity(text, source))

    def section(self, name: str, proposals: list[Proposal]) -> list[CitedSentence]:
        kept: list[CitedSentence] = []
        paragraphs: dict[int, int] = {}
        for position, proposal in enumerate(proposals):
            result = self._check(name, position, proposal)
            if result is None:
                continue
            text, sources, facts = result
            wanted = proposal.paragraph if proposal.paragraph is not None else len(kept) // 2
            paragraph = paragraphs.setdefault(wanted, len(paragraphs))
            kept.append(CitedSentence(typeset_quotes(text), self.refs.cite(sources), paragraph))
            if name == "summary":
                self.summarised |= {id(fact) for fact in facts}
            if name == "body":
                for fact in facts:
                    if fact.disagreement and id(fact) not in self.given_facts:
                        self.given_facts.add(id(fact))
                        kept.append(
                            disagreement_sentence(
                                fact.disagreement, self.refs, paragraph, self.plan.material
                            )
                        )
        return kept

    def _check(
        self, section: str, position: int, proposal: Proposal
    ) -> tuple[str, list[int], list[Fact]] | None:
        """The sentence to print with its sources and facts, or None; records the decision."""
        facts = [self.plan.chosen[i] for i in proposal.facts]
        shown = tuple(i + 1 for i in proposal.sources)

        def decide(outcome: str, reasons: list[str], final: str | None) -> None:
            printed = typeset_quotes(final) if final else final
            self.decisions.append(
                CheckDecision(
                    section, position, proposal.text, shown, outcome, "; ".join(reasons), printed
                )
            )

        reasons = list(proposal.problems)
        if not proposal.text:
            decide("dropped", [*reasons, "no text"], None)
            return None
        if normalise_for_matching(proposal.text) in self.used:
            decide("dropped", [*reasons, "repeats an earlier sentence"], None)
            return None
        unfit = _unfit(proposal.text, first=position == 0)
        if unfit:
            reasons.append(unfit)
            return self._stand_in(decide, reasons, facts, section)
        if not SENTENCE_END.search(proposal.text):
            # Every word may be in the sources and the sentence still say less, or the opposite,
            # of what they say ("..., which will supply battery packs for its home and").
            reasons.append("does not end as a sentence does (cut off?)")
            return self._stand_in(decide, reasons, facts, section)
        supported = []
        for source in proposal.sources:
            verdict = self._verdict(proposal.text, source)
            if verdict.supported:
                supported.append(source)
            else:
                reasons.append(f"[{source + 1}] removed: {verdict.reason}")
        if not proposal.sources:
            reasons.append("cites no source")
        if (
            supported
            and section == "body"
            and facts
            and all(id(f) in self.summarised for f in facts)
        ):
            decide("dropped", [*reasons, "repeats the summary"], None)
            return None
        if supported:
            for source in dict.fromkeys(s for fact in facts for s in fact.supporters):
                if source not in supported and self._verdict(proposal.text, source).supported:
                    supported.append(source)
                    reasons.append(f"[{source + 1}] added: it reports the fact too")
            self.used.add(normalise_for_matching(proposal.text))
            outcome = "corrected" if reasons else "kept"
            decide(outcome, reasons or ["every cited source supports it"], proposal.text)
            return proposal.text, supported, facts
        return self._stand_in(decide, reasons, facts, section)

    def _stand_in(
        self,
        decide: Callable[[str, list[str], str | None], None],
        reasons: list[str],
        facts: list[Fact],
        section: str,
    ) -> tuple[str, list[int], list[Fact]] | None:
        """The source sentence of the first of `facts` not yet printed (in the body, nor told by
        the summary), in place of a sentence that failed the check; or nothing."""
        for fact in facts:
            if section == "body" and id(fact) in self.summarised:
                continue
            original = fact.sentence.text
            if normalise_for_matching(original) not in self.used:
                self.used.add(normalise_for_matching(original))
                decide("replaced", [*reasons, "the fact's source sentence stands in"], original)
                return original, fact.supporters, [fact]
        decide("dropped", [*reasons, "no source sentence to stand in"], None)
        return None

    def default_summary(self) -> list[CitedSentence]:
        self.summarised |= {id(f) for f in self.plan.summary}
        for fact in self.plan.summary:
            self.used.add(normalise_for_matching(fact.sentence.text))
        return [
            CitedSentence(typeset_quotes(f.sentence.text), self.refs.cite(f.supporters), 0)
            for f in self.plan.summary
        ]

    def summary_disagreements(self) -> list[CitedSentence]:
        """Where a figure the summary states is disputed, the body opens with each side."""
        found = []
        for fact in self.plan.chosen:
            summarised = id(fact) in self.summarised and id(fact) not in self.given_facts
            if summarised and fact.disagreement:
                self.given_facts.add(id(fact))
                found.append(
                    disagreement_sentence(fact.disagreement, self.refs, 0, self.plan.material)
                )
        return found

    def quote(self, proposed: Any) -> Quote | None:
        """The model's quote if a source carries it word for word with that speaker."""
        if not isinstance(proposed, dict) or not str(proposed.get("text") or "").strip():
            return pick_quote(self.plan.quotes, self.refs)
        text = str(proposed.get("text")).strip()
        speaker = str(proposed.get("speaker") or "").strip()
        shown = tuple(_ints(proposed.get("source")))
        key = quote_key(text)
        matches = [(i, q) for i, q in self.plan.quotes if quote_key(q.text) == key]
        same_speaker = [(i, q) for i, q in matches if _same_person(speaker, q.speaker)]
        if same_speaker:
            preferred = [m for m in same_speaker if m[0] + 1 in shown] or same_speaker
            index, found = preferred[0]
            reasons = ["word for word in the source, with that speaker"]
            if index + 1 not in shown:
                reasons.append(f"source corrected to [{index + 1}]")
            outcome = "kept" if len(reasons) == 1 else "corrected"
            self.decisions.append(
                CheckDecision("quote", 0, text, shown, outcome, "; ".join(reasons), found.text)
            )
            return Quote(found.text, found.speaker, self.refs.cite([index])[0])
        reason = (
            f"the sources attribute it to {matches[0][1].speaker}, not {speaker or 'nobody'}"
            if matches
            else "not a quotation of any source word for word"
        )
        fallback = pick_quote(self.plan.quotes, self.refs)
        self.decisions.append(
            CheckDecision(
                "quote",
                0,
                text,
                shown,
                "replaced" if fallback else "dropped",
                reason,
                fallback.text if fallback else None,
            )
        )
        return fallback

    def headline(self, proposed: Any) -> str:
        text = MARKERS.sub("", str(proposed or "")).strip().strip('"')
        problem = self._headline_problem(text)
        if problem is None:
            self.decisions.append(CheckDecision("headline", 0, text, (), "kept", "grounded", text))
            return text
        chosen = pick_headline(self.plan.material, self.plan.chosen)
        self.decisions.append(CheckDecision("headline", 0, text, (), "replaced", problem, chosen))
        return chosen

    def _headline_problem(self, text: str) -> str | None:
        words = len(text.split())
        if not HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1]:
            return f"{words} words; a headline has {HEADLINE_WORDS[0]} to {HEADLINE_WORDS[1]}"
        claims = claims_of(text)
        sources = self.plan.material.facts_by_source
        figures = set().union(*(s.figure_values for s in sources))
        names = set().union(*(s.words for s in sources))
        turning = set().union(*(s.polarity for s in sources))
        for label, missing in (
            ("figure", claims.figure_values - figures),
            ("name", claims.names - names),
            ("word", claims.polarity - turning),
        ):
            if missing:
                return f"{label} {', '.join(sorted(missing))} in no source"
        return None


def _same_person(proposed: str, found: str) -> bool:
    """ "Varga" and "Anna Varga" are one speaker; "Varga" and "Sandoval" are not."""
    mine = set(re.findall(r"\w+", proposed.casefold()))
    theirs = set(re.findall(r"\w+", found.casefold()))
    return bool(mine) and (mine <= theirs or theirs <= mine)
