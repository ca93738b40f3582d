"""A side clause that tells again what the article said before it is cut (gazette/write/trim.py),
and only such a clause: never a condition, a clause that says which one, a new name or figure,
a quotation's words, or a name that a pronoun left behind needs."""

from __future__ import annotations

from gazette.records import SourceArticle
from gazette.write import write_article
from gazette.write.trim import without_told_clauses
from gazette.write.verify import check_support

OPENING = (
    "The Northgate Bridge opened on Wednesday, 14 months behind schedule, with mayor Ilse Varga "
    "leading the first walk across."
)


def test_a_set_off_clause_told_before_goes_with_both_its_commas() -> None:
    sentence = (
        "The 1.2 kilometre bridge, opened by mayor Ilse Varga, links the harbour district with "
        "Elmstead."
    )
    assert without_told_clauses(sentence, [OPENING]) == (
        "The 1.2 kilometre bridge links the harbour district with Elmstead."
    )
    # told nowhere before: the clause is the sentence's own news
    assert without_told_clauses(sentence, []) == sentence


def test_an_ending_clause_of_time_told_before_goes() -> None:
    sentence = "Commuters from Elmstead will have a shorter trip after the Northgate Bridge opened."
    assert without_told_clauses(sentence, [OPENING]) == (
        "Commuters from Elmstead will have a shorter trip."
    )


def test_a_clause_with_a_name_or_figure_not_told_stays() -> None:
    told = ["The Northgate Bridge opened on Wednesday with the mayor leading the walk."]
    new_place = (
        "Commuters will have a shorter trip after the Northgate Bridge opened in Port Calder."
    )
    assert without_told_clauses(new_place, told) == new_place
    new_figure = "The bridge, which opened 14 months late, links the harbour with Elmstead."
    assert without_told_clauses(new_figure, told) == new_figure


def test_the_comma_that_closes_a_longer_clause_stays() -> None:
    told = ["Takengon is the capital of Central Aceh district."]
    sentence = (
        "No tsunami warnings were issued after the quake, which damaged several houses in "
        "Takengon, the capital of Central Aceh district, AP reported."
    )
    assert without_told_clauses(sentence, told) == (
        "No tsunami warnings were issued after the quake, which damaged several houses in "
        "Takengon, AP reported."
    )


def test_an_object_is_never_cut_with_a_clause() -> None:
    """The small model reads "the new bridge" here as part of the clause of time."""
    told = ["The rain stopped on Wednesday, and the new bridge over the river is open."]
    sentence = (
        "The mayor opened, after the rain stopped on Wednesday, the new bridge over the river."
    )
    assert without_told_clauses(sentence, told) == sentence


def test_a_condition_is_never_cut() -> None:
    told = ["A specialist must certify that no harm would come to the plants or the birds."]
    sentence = (
        "The project cannot go forward unless a specialist certifies that no harm would come "
        "to the plants or the birds."
    )
    assert without_told_clauses(sentence, told) == sentence
    told = ["The Interior and Commerce departments will complete a review of the rule."]
    sentence = (
        "The order puts the rule on hold until the Interior and Commerce departments complete "
        "a review."
    )
    assert without_told_clauses(sentence, told) == sentence


def test_a_clause_that_says_which_one_stays() -> None:
    told = ["Thousands of commuters work in Elmstead and live in Brenmouth."]
    sentence = "Commuters who work in Elmstead and live in Brenmouth will save twenty minutes."
    assert without_told_clauses(sentence, told) == sentence


def test_a_name_that_a_pronoun_needs_stays() -> None:
    told = ["Ratcliffe was nominated on Friday."]
    sentence = "After Ratcliffe was nominated on Friday, critics called him unfit for the post."
    assert without_told_clauses(sentence, told) == sentence


def test_a_quotation_is_never_cut() -> None:
    told = ["The mayor said the bridge was opened for the whole city."]
    sentence = (
        "Varga spoke at the opening, saying “the bridge was opened for the whole city”, and "
        "thanked the workers."
    )
    assert without_told_clauses(sentence, told) == sentence


def test_the_article_tells_the_opening_once_and_its_citations_hold(embedder) -> None:
    herald = SourceArticle(
        key="herald",
        title="Northgate Bridge opens after delay",
        url="https://herald.example/bridge",
        text=OPENING + " The project cost 310 million crowns, well over its budget.",
    )
    beacon = SourceArticle(
        key="beacon",
        title="New bridge links harbour and Elmstead",
        url="https://beacon.example/bridge",
        text=(
            "The Northgate Bridge opened on Wednesday after 14 months of delays, with mayor Ilse "
            "Varga leading the first walk across. The 1.2 kilometre bridge, opened by mayor Ilse "
            "Varga, links the harbour district with Elmstead and carries trams and cyclists. City "
            "planners expect about 25,000 people to cross it every day."
        ),
    )
    article = write_article([herald, beacon], embedder)
    printed = [s for s in [*article.summary, *article.body] if s.kind == "fact"]
    texts = [s.text for s in printed]
    assert any("links the harbour district with Elmstead" in t for t in texts), texts
    assert not any("opened by mayor Ilse Varga" in t for t in texts), texts
    source_of = {"herald": herald.text, "beacon": beacon.text}
    key_of = {r.number: r.key for r in article.references}
    for sentence in printed:
        for number in sentence.citations:
            verdict = check_support(sentence.text, source_of[key_of[number]])
            assert verdict.supported, f"{key_of[number]}: {sentence.text} ({verdict.reason})"
