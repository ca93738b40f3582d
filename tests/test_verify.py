"""The support check: figures, names, quotations and content, each a reason to refuse."""

from __future__ import annotations

import pytest

from gazette.write.verify import check_support

SOURCE = (
    "The ferry service to Skarv Island was suspended on Monday after a fire broke out in the "
    "engine room of the MV Tern.\n"
    "All 86 passengers were brought back to Brenmouth harbour safely, the operator said.\n"
    '"Our crew did exactly what they were trained to do," said operator chief Lena Holt.'
)


@pytest.mark.parametrize(
    "sentence",
    [
        "All 86 passengers returned to Brenmouth harbour safely.",
        "The ferry to Skarv was suspended after an engine fire on the MV Tern.",
        'Lena Holt said: "Our crew did exactly what they were trained to do."',
    ],
)
def test_what_the_source_says_is_supported(sentence: str) -> None:
    verdict = check_support(sentence, SOURCE)
    assert verdict.supported, verdict.reason


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("All 70 passengers returned to Brenmouth harbour safely.", "figure 70"),
        ("Lena Holt praised the Coast Guard for the rescue.", "name Coast, Guard"),
        ('Holt said: "Our crew did what they were trained to do."', "word for word"),
        ("Islanders worried about food deliveries to Skarv Island.", "content words"),
    ],
)
def test_what_the_source_does_not_say_is_refused_with_the_reason(
    sentence: str, reason: str
) -> None:
    verdict = check_support(sentence, SOURCE)
    assert not verdict.supported
    assert reason in verdict.reason


@pytest.mark.parametrize(
    "sentence",
    [
        "The ferry service to Skarv Island was not suspended on Monday.",
        "The operator denied that all 86 passengers were brought back to Brenmouth harbour.",
        "The ferry service to Skarv Island wasn't suspended after the engine room fire.",
    ],
)
def test_a_turned_around_claim_is_refused_though_it_shares_every_other_word(
    sentence: str,
) -> None:
    verdict = check_support(sentence, SOURCE)
    assert not verdict.supported
    assert "the source does not" in verdict.reason


def test_a_paraphrase_passes_only_with_a_close_embedding_similarity() -> None:
    paraphrase = "Every one of the 86 travellers was taken back to Brenmouth harbour."
    assert not check_support(paraphrase, SOURCE).supported
    assert not check_support(paraphrase, SOURCE, similarity=0.5).supported
    verdict = check_support(paraphrase, SOURCE, similarity=0.8)
    assert verdict.supported and "paraphrase" in verdict.reason


def test_a_not_elsewhere_in_the_report_does_not_support_a_denial() -> None:
    source = SOURCE + "\nThe operator did not say how long repairs would take."
    verdict = check_support(
        "The ferry service to Skarv Island was not suspended on Monday.", source
    )
    assert not verdict.supported and "passage on it does not" in verdict.reason


@pytest.mark.parametrize(
    ("source", "sentence", "supported"),
    [
        # the "not" of the source is left out: the claim turns around
        (
            "The operator did not say how long repairs to the MV Tern would take.",
            "The operator said how long repairs to the MV Tern would take.",
            False,
        ),
        # a clause with a "not" on other words may be left out
        (
            "The ferry service to Skarv Island was suspended on Monday, but nobody was hurt.",
            "The ferry service to Skarv Island was suspended on Monday.",
            True,
        ),
        # a "not" in the sentence before says nothing about this one
        (
            "Nobody was hurt. The ferry service to Skarv Island was suspended on Monday.",
            "The ferry service to Skarv Island was suspended on Monday.",
            True,
        ),
    ],
)
def test_a_left_out_not_is_caught_but_a_trimmed_clause_is_not(
    source: str, sentence: str, supported: bool
) -> None:
    verdict = check_support(sentence, source)
    assert verdict.supported is supported, verdict.reason
    if not supported:
        assert "leaves out" in verdict.reason
