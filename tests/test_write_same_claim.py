"""The writer's rule that one claim told twice in other words is one fact (gazette/write/choose.py):
the second telling is left out, and its outlets are cited with the first where their text states
it."""

from __future__ import annotations

import numpy as np

from gazette.write.choose import Chooser
from gazette.write.claim import same_claim
from gazette.write.facts import Fact, SourceSentence, describe_source, states

KEPT = "The Orrin council will vote on Thursday on a plan to close the Eastgate library."
# names neither within the other's, a third of its words new: no other rule makes them one
RESTATED = (
    "Councillors vote on Thursday on the plan to close the Eastgate library, ward member Mira "
    "Holt told reporters."
)
OTHER = "Eastgate library has lent books to the ward since 1931, and a petition has 6,000 names."
SOURCES = [
    KEPT + " The library has lent books to the ward since 1931.",
    # states the kept sentence too, in a passage of its own words
    "Councillors of the Orrin council will vote on Thursday on a plan to close the Eastgate "
    "library. " + RESTATED,
    "A petition against closing the Eastgate library has 6,000 names.",
]


def fact(row: int, source: int, text: str) -> Fact:
    return Fact(SourceSentence(row, source, 0, 0.0, text), [source], 0.0)


def chooser(similarity: float) -> Chooser:
    matrix = np.array(
        [[1.0, similarity, 0.2], [similarity, 1.0, 0.2], [0.2, 0.2, 1.0]], dtype=np.float32
    )
    described = [describe_source(i, [i], text) for i, text in enumerate(SOURCES)]
    return Chooser(
        matrix, lambda _: [], lambda chosen, source: states(chosen.sentence.text, described[source])
    )


def test_the_same_claim_in_other_words_is_told_once_and_cites_both_outlets() -> None:
    kept, restated = fact(0, 0, KEPT), fact(1, 1, RESTATED)
    choosing = chooser(similarity=0.55)  # under the 0.62 that makes any two sentences one
    assert choosing.section([kept, restated], words=200, most=5) == [kept]
    assert kept.supporters == [0, 1]


def test_close_in_meaning_but_other_words_is_another_fact() -> None:
    kept, other = fact(0, 0, KEPT), fact(2, 2, OTHER)
    choosing = chooser(similarity=0.2)
    choosing.similarity[0, 2] = choosing.similarity[2, 0] = 0.55
    assert choosing.section([kept, other], words=200, most=5) == [kept, other]
    assert kept.supporters == [0]


def test_many_shared_words_about_other_names_are_two_facts() -> None:
    kept = fact(0, 0, KEPT)
    other = fact(
        1, 1, "The Brask council will vote on Monday on a plan to close the Westgate pool."
    )
    assert chooser(similarity=0.3).section([kept, other], words=200, most=5) == [kept, other]


def test_the_same_claim_far_in_meaning_by_embedding_is_still_one_fact() -> None:
    """What the two sentences say decides (gazette/write/claim.py): the same names and mostly the
    same words of them are one claim even where the embeddings are far apart."""
    kept, restated = fact(0, 0, KEPT), fact(1, 1, RESTATED)
    choosing = chooser(similarity=0.3)
    assert choosing.section([kept, restated], words=200, most=5) == [kept]
    assert kept.supporters == [0, 1]


def test_an_outlet_is_cited_for_the_kept_sentence_only_where_its_text_states_it() -> None:
    described = describe_source(2, [2], SOURCES[2])
    assert not states(KEPT, described)
    assert states(KEPT, describe_source(1, [1], SOURCES[1]))


def test_a_short_sentence_is_one_claim_only_with_every_word_and_the_same_denial() -> None:
    told = "Halvorsen said it had 14 reports of overheating and that nobody had been injured."
    assert same_claim("No injuries have been reported.", told)
    # a word the other lacks, or a denial against an assertion: another claim
    assert not same_claim("No deaths have been reported.", told)
    assert not same_claim("Injuries were reported.", told)
