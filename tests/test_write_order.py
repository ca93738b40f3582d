"""A sentence that describes a thing before the article names it ("The 1.2 kilometre bridge,
...") comes after the sentence that names it (gazette/write/order.py, `introduced_first`)."""

from __future__ import annotations

from reports import source

from gazette.write import write_article
from gazette.write.facts import Fact, SourceSentence
from gazette.write.order import described_nouns, introduced_first, summary_order

DESCRIBED = (
    "The 1.2 kilometre bridge, opened by mayor Ilse Varga, links the harbour district with "
    "Elmstead."
)
NAMED = "The Northgate Bridge across the Calder estuary opened on Wednesday."
OTHER = "Councillor Rafael Moreau criticised the delays and the cost overruns."


def fact(row: int, text: str, after: int | None = None) -> Fact:
    return Fact(SourceSentence(row, row, 0, 0.0, text, after), [row], 0.0)


def texts(facts: list[Fact]) -> list[str]:
    return [f.sentence.text for f in facts]


def test_a_description_follows_the_sentence_that_names_it() -> None:
    facts = [fact(0, DESCRIBED), fact(1, OTHER), fact(2, NAMED)]
    assert texts(introduced_first(facts)) == [OTHER, NAMED, DESCRIBED]


def test_a_thing_named_before_needs_no_move() -> None:
    facts = [fact(0, DESCRIBED), fact(2, NAMED)]
    assert texts(introduced_first(facts, before="Varga opened the new bridge.")) == [
        DESCRIBED,
        NAMED,
    ]
    # a later "the bridge" does not introduce it: nothing to move after
    facts = [fact(0, DESCRIBED), fact(1, "The bridge cost 310 million crowns.")]
    assert introduced_first(facts) == facts


def test_a_sentence_tied_to_its_neighbour_stays() -> None:
    facts = [fact(0, DESCRIBED), fact(1, OTHER, after=0), fact(2, NAMED)]
    assert introduced_first(facts) == facts


def test_a_sentence_tied_to_the_first_row_stays_and_is_kept() -> None:
    """Row 0 (the first source's first sentence) is an anchor like any other: the sentence
    that follows it is neither moved away from it nor lost."""
    anchor = "Mayor Ilse Varga opened it on Wednesday."
    facts = [fact(0, anchor), fact(1, DESCRIBED, after=0), fact(2, NAMED)]
    assert introduced_first(facts) == facts
    ordered = texts(summary_order([fact(2, NAMED), fact(0, anchor), fact(1, OTHER, after=0)]))
    assert ordered == [NAMED, anchor, OTHER]


def test_what_a_definite_description_is() -> None:
    assert "bridge" in described_nouns(DESCRIBED)
    assert described_nouns(NAMED) == []  # a name, not a description
    assert described_nouns(OTHER) == []


def test_the_summary_names_the_bridge_before_describing_it(embedder) -> None:
    sources = [
        source(key, outlet, title, text)
        for key, outlet, title, text in [
            (
                "a",
                "Brenmouth Beacon",
                "New Port Calder bridge opens to trams, bikes and walkers",
                DESCRIBED + " The bridge cost 310 million crowns and opened 14 months late.",
            ),
            (
                "b",
                "Harbor Times",
                "Varga opens Northgate Bridge after 14-month delay",
                NAMED + " The project cost 310 million crowns. " + OTHER,
            ),
            (
                "c",
                "Calder Courier",
                "Northgate Bridge opens",
                "Mayor Ilse Varga opened the 1.2 kilometre bridge, which links the harbour "
                "district with Elmstead, on Wednesday. " + OTHER,
            ),
        ]
    ]
    article = write_article(sources, embedder)
    printed = [s.text for s in [*article.summary, *article.body] if s.kind == "fact"]
    assert DESCRIBED in printed and NAMED in printed, printed
    assert printed.index(NAMED) < printed.index(DESCRIBED), printed


def test_a_description_that_says_which_one_it_is_stays() -> None:
    """'The son of Judge Esther Salas', 'The government's lending program' and 'The second
    trial of former President Hale' say which one they mean; a possessive ('Hale's second
    trial') introduces nothing."""
    for described in (
        "The son of Judge Esther Salas was fatally shot on Sunday.",
        "The government’s lending program for small businesses is on hold.",
        "The second impeachment trial of former President Hale begins on Tuesday.",
    ):
        assert described_nouns(described) == []
    facts = [
        fact(0, "The second impeachment trial begins on Tuesday."),
        fact(1, "Hale’s second impeachment trial is expected to last a week."),
    ]
    assert introduced_first(facts) == facts
