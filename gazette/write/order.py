"""News order and paragraphs for the body of the article.

The body carries on from the summary: first the other developments (what happened, figures,
decisions), then reactions and quotations, then background; within each, the order in which
the reports themselves tell them. A sentence that points back to the one before it in its
source follows that sentence. Paragraphs hold one subject: the body's first sentence stands
alone, and a sentence joins the paragraph before it only when it is on the same subject (close
in meaning to its last sentence) or follows it in its source, at most PARAGRAPH_SENTENCES to a
paragraph.

A sentence that opens with a definite description ("The 1.2 kilometre bridge, opened by...")
of a thing the article has not yet named comes after the sentence that names it ("The
Northgate Bridge across the Calder estuary opened on Wednesday"), in the summary and in the
body.
"""

from __future__ import annotations

import re

import numpy as np

from gazette.write.facts import Fact
from gazette.write.standalone import QUOTATION

PARAGRAPH_SENTENCES = 3
SAME_SUBJECT = 0.45
REACTION = re.compile(
    r"\b(?:welcomed|criticised|criticized|condemned|praised|hailed|slammed|applauded|"
    r"denounced|apologised|apologized|thanked|called (?:it|the \w+) (?:a|an|the)\b)",
    re.IGNORECASE,
)
BACKGROUND = re.compile(
    r"\b(?:last year|years ago|previously|earlier this year|has long|had long|history)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")

DEVELOPMENT, REACTION_KIND, BACKGROUND_KIND = 0, 1, 2
# "The 1.2 kilometre bridge, ...": the words of a definite description that opens a sentence,
# up to a comma or a word that ends the noun phrase.
DESCRIPTION = re.compile(r"^[\"“‘]?The\s+(?P<words>(?:[a-z\d][\w.’'-]*,?\s+){0,4})")
ENDS_PHRASE = frozenset(
    re.findall(
        r"\w+",
        "of in on at by for with from to which who that whose is are was were has have had will "
        "would could can may might said says was be been being and or but as after before",
    )
)


SPECIFIED_BY = frozenset(re.findall(r"\w+", "of for in on at from with who which that whose"))


def described_nouns(sentence: str) -> list[str]:
    """The words that may be the head of a bare definite description opening the sentence
    ("The 1.2 kilometre bridge, opened by..." -> kilometre, bridge); none for a name ("The
    Northgate Bridge") or a description that says which one it is ("The son of Judge Esther
    Salas", "The government's lending program")."""
    found = DESCRIPTION.match(sentence)
    if not found:
        return []
    nouns = []
    for word in found.group("words").split():
        bare = word.rstrip(",")
        if bare in SPECIFIED_BY or re.search(r"['’]s$", bare):
            return []
        if bare in ENDS_PHRASE:
            break
        if bare.isalpha() and len(bare) > 2:
            nouns.append(bare)
        if word.endswith(","):
            break
    else:
        following = sentence[found.end() :].split(" ", 1)[0].strip(",").lower()
        if following in SPECIFIED_BY:
            return []
    return nouns


def _introduces(sentence: str, noun: str) -> bool:
    """Whether the sentence names the thing ("the Northgate Bridge") or introduces it ("a
    1.2 kilometre crossing")."""
    named = (
        r"\b(?!(?:The|This|That|These|Those|Its|His|Her|Their)\b)[A-Z][\w’'-]*(?<!['’]s)"
        rf"\s+(?i:{noun})\b"
    )
    introduced = rf"\b[Aa]n?\s+(?:[\w.,’'-]+\s+){{0,3}}?(?i:{noun})\b"
    return bool(re.search(named, sentence) or re.search(introduced, sentence))


def introduced_first(facts: list[Fact], before: str = "") -> list[Fact]:
    """The facts with each sentence that opens by describing a thing not yet named (in `before`,
    what the article printed earlier, or the sentences before it) moved to right after the
    first later sentence that names or introduces it. A sentence tied to another (one follows
    the other in its source) stays where it is."""
    ordered = list(facts)
    tied = {f.sentence.after for f in facts} | {
        f.sentence.row for f in facts if f.sentence.after is not None
    }
    for _ in range(len(ordered)):
        said = before
        moved = False
        for index, fact in enumerate(ordered):
            unknown = [
                noun
                for noun in described_nouns(fact.sentence.text)
                if not re.search(rf"\b{noun}", said, re.IGNORECASE)
            ]
            naming = next(
                (
                    later
                    for later in range(index + 1, len(ordered))
                    if any(_introduces(ordered[later].sentence.text, n) for n in unknown)
                ),
                None,
            )
            if naming is not None and fact.sentence.row not in tied:
                ordered.insert(naming, ordered.pop(index))
                moved = True
                break
            said += " " + fact.sentence.text
        if not moved:
            break
    return ordered


def kind_of(fact: Fact, latest_year: int | None) -> int:
    text = fact.sentence.text
    if any(len(q.split()) >= 4 for q in QUOTATION.findall(text)) or REACTION.search(text):
        return REACTION_KIND
    years = [int(y) for y in YEAR.findall(text)]
    past = latest_year is not None and years and max(years) < latest_year - 1
    if BACKGROUND.search(text) or past:
        return BACKGROUND_KIND
    return DEVELOPMENT


def latest_year(facts: list[Fact]) -> int | None:
    years = [int(y) for f in facts for y in YEAR.findall(f.sentence.text)]
    return max(years) if years else None


def attach_followers(leaders: list[Fact], followers: list[Fact]) -> list[Fact]:
    """`leaders` in their order, each followed by the facts that must come right after it."""
    after: dict[int, list[Fact]] = {}
    for fact in followers:
        after.setdefault(fact.sentence.after, []).append(fact)
    ordered: list[Fact] = []

    def place(fact: Fact) -> None:
        ordered.append(fact)
        for follower in after.pop(fact.sentence.row, []):
            place(follower)

    for fact in leaders:
        place(fact)
    return ordered


def summary_order(facts: list[Fact]) -> list[Fact]:
    """The strongest early fact leads; the rest follow in the order the reports tell them."""
    rows = {f.sentence.row for f in facts}
    leaders = [f for f in facts if f.sentence.after not in rows]
    followers = [f for f in facts if f.sentence.after in rows]
    if not leaders:
        return facts
    lead = max(leaders, key=lambda f: f.score + 1.0 - f.position)
    rest = sorted((f for f in leaders if f is not lead), key=lambda f: (f.position, -f.score))
    return attach_followers([lead, *rest], followers)


def body_order(facts: list[Fact], year: int | None) -> list[Fact]:
    rows = {f.sentence.row for f in facts}
    leaders = [f for f in facts if f.sentence.after not in rows]
    followers = [f for f in facts if f.sentence.after in rows]
    leaders.sort(key=lambda f: (kind_of(f, year), f.position, -f.score))
    return attach_followers(leaders, followers)


def paragraph_numbers(facts: list[Fact], similarity: np.ndarray) -> list[int]:
    numbers: list[int] = []
    in_paragraph = 0
    for index, fact in enumerate(facts):
        if index == 0:
            numbers.append(0)
            in_paragraph = PARAGRAPH_SENTENCES  # the first sentence stands alone
            continue
        previous = facts[index - 1]
        follows = fact.sentence.after == previous.sentence.row
        close = float(similarity[fact.sentence.row, previous.sentence.row]) >= SAME_SUBJECT
        if follows or (close and in_paragraph < PARAGRAPH_SENTENCES):
            numbers.append(numbers[-1])
            in_paragraph += 1
        else:
            numbers.append(numbers[-1] + 1)
            in_paragraph = 1
    return numbers
