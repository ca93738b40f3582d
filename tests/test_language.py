"""Which language a report is in: declared first, detected only when the text can tell."""

from __future__ import annotations

import pytest

from gazette.language import detect_language, language_of, normalise_code

FRENCH = (
    "Le gouvernement a annoncé mardi une réforme des retraites qui repousse l'âge légal de "
    "départ, malgré la colère des syndicats et des manifestations dans plusieurs villes."
)
GERMAN = (
    "Die Regierung hat am Dienstag eine Reform der Renten angekündigt, obwohl die Gewerkschaften "
    "in mehreren Städten dagegen protestiert haben und weitere Streiks planen."
)
ENGLISH = (
    "The central bank cut its main interest rate by a quarter point on Tuesday, citing slowing "
    "inflation and weaker hiring across the country in recent months."
)


@pytest.mark.parametrize(("text", "code"), [(FRENCH, "fr"), (GERMAN, "de"), (ENGLISH, "en")])
def test_a_paragraph_is_detected(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_a_headline_of_names_is_too_short_to_tell() -> None:
    assert detect_language("Klitschko beats Rahman in Bern") is None
    assert language_of(None, "Klitschko beats Rahman in Bern", "", "en") == "en"


@pytest.mark.parametrize(
    ("declared", "code"),
    [("en-GB", "en"), ("EN_us", "en"), ("fr", "fr"), ("deu", "deu"), ("", None), ("??", None)],
)
def test_declared_codes_are_normalised_to_the_primary_subtag(declared: str, code: str) -> None:
    assert normalise_code(declared) == code


def test_a_declared_language_wins_over_detection() -> None:
    assert language_of("de", "", ENGLISH, "en") == "de"
    assert language_of(None, "", FRENCH, "en") == "fr"


def test_a_short_headline_in_another_script_is_not_taken_for_english() -> None:
    """Too few words for the Latin-alphabet rule, but Devanagari is no English."""
    headline = "नौकरी गई तो दो साल के बेटे को लेकर दफ्तर पहुंचा पिता"
    assert detect_language(headline) == "hi"
    assert language_of(None, headline, "", "en") == "hi"
