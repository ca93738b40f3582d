"""A sentence that points back stands only after what it points to (gazette/write/standalone.py):
a pronoun set after an opening phrase points back as one that opens the sentence does."""

from __future__ import annotations

import pytest

from gazette.write.standalone import stand_alone


@pytest.mark.parametrize(
    "sentence",
    [
        # neus-val-12: printed after a sentence on Donald Trump, "he" read as Trump, not Moore
        "After all, he faced allegations that he initiated unwanted sexual contact with teenage "
        "girls when he was in his 30s.",
        # neus-val-298, a summary sentence: "it" is the State Department of the sentence before
        "On Monday, it implemented a policy denying visas to such partners if they're not "
        "legally married.",
        # 3_ecb
        "Later that day, as he attempted to elude police, he shot and killed a U.S. Customs agent.",
        "Speaking to reporters on Monday, she said the talks had failed.",
        # neus-val-24: "that point" is the condition the sentence before sets
        "Until that point, Dunford wrote, there will be no modifications to the current policy.",
    ],
)
def test_a_pronoun_after_an_opening_phrase_points_back(sentence: str) -> None:
    assert stand_alone(sentence, [], []).needs_previous


@pytest.mark.parametrize(
    "sentence",
    [
        # what the pronoun stands for is in the opening phrase
        "After Ratcliffe was nominated, he said he would serve in the post.",
        "When the officers turned around, they allegedly saw Subryan speed past them.",
        # a pronoun for what comes later, not for what came before
        "Ahead of his decisive victory in the Nevada caucuses, Sanders tweeted out a message.",
        # "it" standing for nothing
        "In 2019, it was announced that the plant would close within two years.",
        "In a statement on Tuesday, the company said it would appeal the ruling.",
    ],
)
def test_a_sentence_that_names_its_subject_stands_alone(sentence: str) -> None:
    assert not stand_alone(sentence, [], []).needs_previous
