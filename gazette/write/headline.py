"""Headlines: a source's title without the outlet's name tacked on."""

from __future__ import annotations

import re

from gazette.text import collapse_spaces
from gazette.write.clean import SAYING_WORDS

SEPARATORS = (" | ", " - ", " — ", " – ", " :: ", " · ")
MAX_SITE_NAME_WORDS = 5


def _same_name(a: str, b: str) -> bool:
    def simplify(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower().removeprefix("the "))

    return bool(a and b) and simplify(a) == simplify(b)


# A label of the item's format or urgency before a headline ("Photos: ...", "WATCH | ...",
# "UPDATE 2-..."): it says what the outlet's page is, not what happened. Before a dash only in
# capitals, as wires write it: "Photo-finish decides..." is a headline's own word.
FORMAT_LABEL = re.compile(
    r"^(?:(?i:photos?|pictures|in (?:pictures|photos)|gallery|watch|videos?|listen"
    r"|breaking(?: news)?|exclusive|just in|updated?(?: \d+)?)\s*[:|]\s*"
    r"|(?:PHOTOS?|WATCH|VIDEO|BREAKING|EXCLUSIVE|UPDATE(?: \d+)?)-(?=\S))"
)
# A teaser that is all that follows the headline's news: "..., check direct link here",
# "...: here's the deal", "...: everything you need to know".
TEASER_TAIL = re.compile(
    r"\s*[,:;|]\s*(?:check (?:the )?(?:direct )?(?:details|links?)(?: here)?"
    r"|here(?:'s|’s| is) the deal|(?:everything|all) (?:else )?(?:you need )?to know)\s*[.!]?$",
    re.IGNORECASE,
)


def clean_headline(title: str, outlet: str = "", domain: str = "") -> str:
    """Drop " - Outlet", " | Outlet" and the like from the end, and "Outlet: " or a label of the
    item's format ("Photos: ", "UPDATE 2-") from the start, and a teaser after the news
    ("..., check direct link here").

    A tail after " | " of at most five words is taken to be a site name whatever it says; after
    other separators only the outlet's own name or domain is removed, since "Mayor quits - again"
    is part of a headline.
    """
    headline = FORMAT_LABEL.sub("", collapse_spaces(title))  # "WATCH | ..." is no site name
    for separator in SEPARATORS:
        head, found, tail = headline.rpartition(separator)
        if not found or not head:
            continue
        is_site = _same_name(tail, outlet) or _same_name(tail, domain)
        if separator == " | " and len(tail.split()) <= MAX_SITE_NAME_WORDS:
            is_site = True
        if is_site:
            headline = head.strip()
            break
    for prefix in (outlet, domain):
        if prefix and headline.lower().startswith(prefix.lower() + ": "):
            headline = headline[len(prefix) + 2 :]
    headline = TEASER_TAIL.sub("", FORMAT_LABEL.sub("", headline))
    return headline.strip()


FEATURE_OPENERS = ("how ", "why ", "what ", "who ", "when ", "where ", "which ")


def is_news_headline(headline: str) -> bool:
    """False for explainer and question titles ("Why drivers strike", "X: what we know")."""
    lowered = headline.lower()
    if lowered.endswith("?") or lowered.startswith(FEATURE_OPENERS):
        return False
    return not any(f": {opener}" in lowered for opener in FEATURE_OPENERS)


MAX_WORDS = 14
MIN_WORDS = 3
# Where a sentence may be cut to make a headline: before a clause that adds detail.
CLAUSE_BREAK = re.compile(
    r",\s+|\s+[—–-]\s+|;\s+|\s+(?=(?:after|as|while|because|when|which|who|but|although|"
    r"following|despite|amid|according)\b)"
)
TRAILING_ATTRIBUTION = re.compile(
    r",\s+(?:[^,]{1,60}?)\s+(?:said|says|announced|reported|confirmed)(?:\s+on\s+\w+)?\.?$"
)
DANGLING = frozenset(
    re.findall(
        r"\w+",
        "the a an and or of to in on at by for with from as that which who is are was were has "
        "have had will would be its their his her",
    )
)


# Words that open a phrase a headline can end before.
PHRASE_STARTS = frozenset(
    re.findall(
        r"\w+",
        "in on at by for with from of to as into over after before amid during and or but that "
        "which who while",
    )
)


# A label by which an outlet marks a piece as its own view, not news: "OPINION: ...", "Analysis |
# ...", "Op-Ed: ...".
OPINION_LABEL = re.compile(
    r"^(?:opinion|analysis|commentary|editorial|op-?ed|column|perspective|viewpoint)\s*[:|–—-]\s",
    re.IGNORECASE,
)


def is_usable_headline(headline: str) -> bool:
    """A title that can stand as the article's headline: whole (not cut off with an ellipsis),
    not all in capitals, of MIN_WORDS to MAX_WORDS words, and not labelled as an outlet's own
    view ("OPINION: Trump's summit was a history-making gamble"): over a news article it would
    state an opinion as fact."""
    words = len(headline.split())
    cut = headline.rstrip().endswith(("...", "…"))
    shouted = headline.upper() == headline and any(c.isalpha() for c in headline)
    labelled = bool(OPINION_LABEL.match(headline))
    return MIN_WORDS <= words <= MAX_WORDS and not cut and not shouted and not labelled


# Quotation marks, in one class: a source may open with one kind and close with another ("Trump,
# Defiant ‘We must always arrest illegals”"), and such a pair is left as it is.
QUOTE_MARKS = "'‘’\"“”"


def as_headline(text: str) -> str:
    """A title or a cut sentence as a headline: without the full stop that ends a sentence
    ("John Kerry denies ... foreign minister." -> "... foreign minister"), nor a quotation mark
    left without its pair ("'Tara Reid has checked herself into the Promises Treatment Center"
    from a sentence cut before the mark that closed it). An apostrophe inside a word ("Palin's")
    is not a quotation mark."""
    headline = text.strip()
    if headline.endswith(".") and not headline.endswith(".."):
        headline = headline[:-1].rstrip()
    opening = re.findall(rf"(?:^|(?<=\s))[{QUOTE_MARKS}](?=\w)", headline)
    closing = re.findall(rf"(?<=[\w.,!?])[{QUOTE_MARKS}](?=\s|$|[,.:;!?])", headline)
    if len(opening) > len(closing) and headline[:1] in QUOTE_MARKS:
        headline = headline[1:]
    elif len(closing) > len(opening) and headline[-1:] in QUOTE_MARKS:
        headline = headline[:-1]
    return headline


# A word as the sources write it; the part before it tells whether it opens a sentence there.
WORD = re.compile(r"[^\W\d_][\w'’-]*")
SENTENCE_START = re.compile(r"(?:^|[.!?:][\"'”’)]?\s+|[\"“‘(]\s*|\n\s*)$")
POSSESSIVE = re.compile(r"(?P<base>.+?)(?P<suffix>['’]s)$", re.IGNORECASE)


def written_forms(texts: list[str], words: set[str]) -> dict[str, str]:
    """How the sources write each of `words` (in small letters) inside a sentence, where they
    write it with a capital more often than without ("palin" -> "Palin", "iphone" ->
    "iPhone"). A word that opens a sentence or a quotation is not counted: its capital says
    nothing. Only the headline's words are looked for, so a long story costs one pass of a
    regular expression."""
    if not words:
        return {}
    wanted = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w'’])(?:{wanted})(?![\w'’-])", re.IGNORECASE)
    counts: dict[str, dict[str, int]] = {}
    for text in texts:
        for match in pattern.finditer(text):
            if SENTENCE_START.search(text[max(0, match.start() - 4) : match.start()]):
                continue
            word = match.group()
            forms = counts.setdefault(word.casefold(), {})
            forms[word] = forms.get(word, 0) + 1
    known = {}
    for key, forms in counts.items():
        form = max(forms, key=lambda f: forms[f])
        small = forms.get(key, 0)
        capitalised = sum(forms.values()) - small
        if form != key and capitalised > small:
            known[key] = form
    return known


def case_headline(headline: str, texts: list[str]) -> str:
    """A headline cased as a headline. A title written all in small letters ("sarah palin's
    dairy burns") gets the sources' own casing for every word they mostly capitalise ("Sarah
    Palin's dairy burns"); in any other title, two or more words in a row in small letters that
    the sources mostly capitalise are a name and are written so ("Alaska Gov. sarah palin's
    home church" -> "... Sarah Palin's..."; a single word, "last" or "whistleblower", is left
    alone). A title opening with a small letter gets a capital unless the sources write its
    first word otherwise ("iPhone") or the word has a capital inside ("eBay"). Words with
    capitals already stay as the outlet wrote them."""
    if not headline:
        return headline
    cased_title = any(c.isupper() for c in headline)
    words = {w.casefold() for w in WORD.findall(headline)}
    words |= {p["base"].casefold() for w in words if (p := POSSESSIVE.fullmatch(w))}
    known = written_forms(texts, words)

    def form_of(word: str) -> str | None:
        if word != word.lower():
            return None
        possessive = POSSESSIVE.fullmatch(word)
        if word in known:
            return known[word]
        if possessive and possessive["base"] in known:
            return known[possessive["base"]] + possessive["suffix"]
        return None

    tokens = list(WORD.finditer(headline))
    forms = [form_of(t.group()) for t in tokens]
    if cased_title:  # only names of two words or more, next to each other in the headline
        for index, form in enumerate(forms):
            joined = [
                j
                for j in (index - 1, index + 1)
                if 0 <= j < len(tokens)
                and forms[j]
                and headline[
                    min(tokens[j].end(), tokens[index].end()) : max(
                        tokens[j].start(), tokens[index].start()
                    )
                ].strip()
                == ""
            ]
            if form and not joined:
                forms[index] = None
    cased = headline
    for token, form in reversed(list(zip(tokens, forms, strict=True))):
        if form:
            cased = cased[: token.start()] + form + cased[token.end() :]
    first = WORD.match(cased)
    spelled = first is not None and (
        first.group() in known.values()
        or any(c.isupper() for c in first.group().split("-")[0][1:])  # "eBay", not "anti-Trump"
    )
    if cased[0].islower() and not spelled:
        cased = cased[0].upper() + cased[1:]
    return cased


def headline_from_sentence(sentence: str, texts: list[str] | None = None) -> str:
    """A headline written from the lead fact's sentence, for a story whose sources have no
    usable title: the sentence without its attribution tail, cut at clause boundaries until it
    has at most MAX_WORDS words, never inside a word nor after a word that cannot end one.

    The cut keeps the sentence's main clause, its verb and subject (`_main_clause_cut`): never a
    fragment such as "In the comments", "As Japan swelters through extreme summer heat" or "Mar
    Carretero-Castrillo, an astrophysicist". When no cut keeps it, the text is cut to length all
    the same (`states_news` tells the caller so, to look at the next fact first).

    A cut that only bids (`fragment_kind`: "Shut up and do it" from "Shut up and do it, Sam
    Altman personally intervenes if...") gives way to the sentence after its first clause, when
    that reads as one. A cut that is a condition or a question is returned as it is, and the
    caller looks further: the clause after a condition states nothing as fact ("If Iran
    enriches uranium..., Israel will strike" is no "Israel will strike")."""
    text = TRAILING_ATTRIBUTION.sub("", collapse_spaces(sentence)).rstrip(" .!?")
    return _main_clause_cut(text, texts) or _any_cut(text, texts)


def states_news(sentence: str, texts: list[str] | None = None) -> bool:
    """Whether a headline can be written from the sentence that keeps its main clause (see
    `_main_clause_cut`): a fact whose sentence gives none gives way to the next."""
    text = TRAILING_ATTRIBUTION.sub("", collapse_spaces(sentence)).rstrip(" .!?")
    return _main_clause_cut(text, texts) is not None


# Where the subject of a clause hangs from its verb.
SUBJECTS = frozenset(("nsubj", "nsubjpass", "expl", "csubj"))
SAYING_VERBS = frozenset(word.strip() for word in SAYING_WORDS.split(","))
# The tags of a verb that is finite: one that makes a clause ("arrived", "is", "will").
FINITE = frozenset(("VBD", "VBZ", "VBP", "MD"))


def _main_clause_cut(text: str, texts: list[str] | None) -> str | None:
    """The first cut of the text that keeps its main clause (the sentence's root verb, finite
    or with a finite auxiliary, and its subject) and is no fragment: the usual cut, else the
    cut after an opening phrase ("In the comments, Kelce called Swift..." is "Kelce called
    Swift..."; "As Japan swelters..., BBC Tokyo correspondent Kurumi Mori tries out..."), else
    a cut by length alone ("Mar Carretero-Castrillo, an astrophysicist, returned to..."). None
    when no cut keeps it, or the sentence opens with a condition or a question, whose main
    clause is no fact: then `_any_cut` writes one, and the caller looks further."""
    if CONDITION.match(text) or QUESTION_AT_START.match(text):
        return None
    from gazette.write.trim import parser

    document = parser()(text)
    root = next((t for t in document if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    # the main clause, or what it reports ("'Tara Reid has checked herself into...,' her rep
    # says": the clause said is the news, its saying the attribution)
    said = root.lower_ in SAYING_VERBS
    clauses = [root, *(t for t in root.children if said and t.dep_ == "ccomp")]
    kernels = [kernel for kernel in map(_verb_and_subject, clauses) if kernel]
    if not kernels:
        return None
    candidates = [(0, _cut_to_length(text))]
    opening = next((m for m in CLAUSE_BREAK.finditer(text) if m.start() > 0), None)
    # An opening phrase with a figure frames the rest ("For every Rs 100 an average Indian
    # gets in central taxes, Tamil Nadu gets Rs 67"): the rest alone would misstate it.
    if opening is not None and not re.search(r"\d", text[: opening.start()]):
        rest = text[opening.end() :]
        candidates.append((opening.end(), _cut_to_length(rest[:1].upper() + rest[1:])))
    candidates.append((0, _cut_to_length(text, at_clauses=False)))
    for start, cut in candidates:
        end = start + len(cut)
        kept = any(all(start <= t.idx and t.idx + len(t) <= end for t in k) for k in kernels)
        if kept and len(cut.split()) >= MIN_WORDS and not is_fragment_headline(cut, texts):
            return cut
    return None


def _verb_and_subject(verb):  # type: ignore[no-untyped-def]
    """A clause's verb and its subject, when the verb is finite or has a finite auxiliary
    ("arrived", "will strike", "has been arrested"); None for a clause with no subject or no
    finite verb ("to be in the path", "an astrophysicist")."""
    if not (verb.tag_.startswith("VB") or verb.tag_ == "MD"):
        return None
    subject = next((t for t in verb.children if t.dep_ in SUBJECTS), None)
    helpers = [t for t in verb.children if t.dep_ in ("aux", "auxpass")]
    if subject is None or not any(t.tag_ in FINITE for t in (verb, *helpers)):
        return None
    return verb, subject


def _any_cut(text: str, texts: list[str] | None) -> str:
    """The text cut to length, whether or not the cut keeps its main clause."""
    cut = _cut_to_length(text)
    if fragment_kind(cut, texts) != "bidding":
        return cut
    first_break = next((m for m in CLAUSE_BREAK.finditer(text) if m.start() > 0), None)
    if first_break is not None and first_break.group().strip() in (",", ";", "—", "–", "-"):
        rest = text[first_break.end() :]
        rest = rest[:1].upper() + rest[1:]
        shorter = _cut_to_length(rest)
        if len(shorter.split()) >= MIN_WORDS and not is_fragment_headline(shorter, texts):
            return shorter
    return cut


def _cut_to_length(text: str, at_clauses: bool = True) -> str:
    """The text cut at clause boundaries (unless not `at_clauses`), or failing those before a
    phrase, to MAX_WORDS."""
    while at_clauses and len(text.split()) > MAX_WORDS:
        breaks = [m.start() for m in CLAUSE_BREAK.finditer(text) if m.start() > 0]
        shorter = [b for b in breaks if len(text[:b].split()) >= MIN_WORDS]
        if not shorter:
            break
        text = (
            text[: shorter[-1]]
            if len(text[: shorter[0]].split()) <= MAX_WORDS
            else text[: shorter[0]]
        )
        text = text.rstrip(" ,;:—–-")
    words = text.split()
    if len(words) > MAX_WORDS:
        # not in the middle of a phrase ("...night Thursday in the latest sign | of mounting
        # pressure"): unless the cut falls before a phrase ("...a bill that will legalize
        # marijuana | for recreational use"), before the last preposition or conjunction that
        # leaves a headline of some length
        following = words[MAX_WORDS]
        words = words[:MAX_WORDS]
        starts = [i for i, w in enumerate(words) if i >= 2 * MIN_WORDS and w in PHRASE_STARTS]
        if starts and not (following in PHRASE_STARTS and following != "of"):
            words = words[: starts[-1]]
    while len(words) > MIN_WORDS and words[-1].lower().strip(",;:") in DANGLING:
        words.pop()
    return " ".join(words).rstrip(",;:—–-")


# A question in a clause of its own: a question word and a verb that comes before its subject
# ("why can't Kohli", "How did the fire start"). After a comma only "why", "how" and "what": "who
# was", "which has" there open a relative clause.
QUESTION_AT_START = re.compile(
    r"^[\"“‘']?(?:Why|How|What|Who|Where|When|Which)\s+"
    r"(?:can|can['’]t|cannot|could|couldn['’]t|should|shouldn['’]t|would|wouldn['’]t|will|"
    r"won['’]t|do|does|did|don['’]t|doesn['’]t|didn['’]t|is|isn['’]t|are|aren['’]t|was|"
    r"wasn['’]t|were|has|have|had)\b",
    re.IGNORECASE,
)
CLOSING_QUOTE = {'"': '"', "“": "”", "‘": "’", "'": "'"}
CLAUSE_OPENING = re.compile(r"(?:^|[,:;]\s+|\s[—–]\s+)")
# A clause that says what would follow on a condition or despite something: "If Messi can do it".
CONDITION = re.compile(
    r"^[\"“‘']?(?:if|unless|whether|although|though|even if|even though)\b", re.IGNORECASE
)
# A verb that opens a headline bidding the reader: "Shut up and do it", "Don't miss...".
NEGATED_BIDDING = re.compile(r"^(?:don['’]t|do not|never)\s", re.IGNORECASE)


def _quoted_speech(clause: str) -> bool:
    """Whether the clause opens with a quotation that closes before the clause ends: speech
    reported by the words after it ('"Why can't we?" asks minister')."""
    closing = CLOSING_QUOTE.get(clause[:1])
    return closing is not None and re.search(rf"{closing}\s+\S", clause[1:]) is not None


def _is_question(clause: str, first: bool) -> bool:
    """Whether the clause asks a question; "WHO is monitoring..." names the organisation, and a
    quoted question with words after it reports speech ("“How did we get here?” asks Sunak")."""
    opening = QUESTION_AT_START.match(clause)
    if opening is None or opening.group().split()[0].isupper() or _quoted_speech(clause):
        return False
    return first or opening.group().split()[0].lower() in ("why", "how", "what")


def _clauses(headline: str) -> list[str]:
    return [part.strip() for part in CLAUSE_OPENING.split(headline) if part.strip()]


# What a bidding verb governs: "Shut up", "Meet the new mayor", "Take off your clothes".
BIDDING_OBJECTS = frozenset(("dobj", "prt", "dative", "ccomp", "xcomp", "conj"))


def _is_imperative(headline: str, texts: list[str]) -> bool:
    """Whether the headline only bids: it opens with a verb in its base form, governing an object
    or a particle, and no clause of it has a subject ("Shut up and do it"; not "Shut up and do
    it, Altman tells his teams"). Not in a title cased word by word ("Showdown Over Rights Hits
    Court"), whose parse tells nothing, nor when the sources write the first word as a name
    ("Trump vetoes...")."""
    from gazette.write.trim import parser

    document = parser()(headline)
    if any(t.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for t in document):
        return False
    words = headline.split()
    if len(words) < 2 or not words[1][:1].islower() or words[1] == "to":
        return False  # cased word by word, or a name: "Don't Worry Darling Premieres In..."
    first = WORD.match(headline)
    if first and first.group().casefold() in written_forms(texts, {first.group().casefold()}):
        return False
    if NEGATED_BIDDING.match(headline):
        return True
    verb = document[0]
    governs = any(t.dep_ in BIDDING_OBJECTS for t in verb.children)
    return verb.tag_ == "VB" and verb.dep_ == "ROOT" and governs


def fragment_kind(headline: str, texts: list[str] | None = None) -> str | None:
    """How a headline is no statement of news: "question" ("..., why can't Kohli", "Will rates
    fall?"), "condition" with no main clause ("If Messi can do it"; "If Messi can do it, why
    can't Kohli" is a question), or "bidding" ("Shut up and do it"); None for a statement.
    `texts`: the sources, which tell a name ("Trump") from a verb that opens a bidding."""
    text = headline.strip()
    if not text:
        return None
    clauses = _clauses(text)
    if text.endswith("?") or any(_is_question(c, i == 0) for i, c in enumerate(clauses)):
        return "question"
    if CONDITION.match(text) and len(clauses) < 2:
        return "condition"
    return "bidding" if _is_imperative(text, texts or []) else None


def is_fragment_headline(headline: str, texts: list[str] | None = None) -> bool:
    """Whether a headline is no statement of news (`fragment_kind`): such a title, or such a
    cut of a long one, gives way to the next candidate."""
    return fragment_kind(headline, texts) is not None
