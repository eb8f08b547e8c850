"""Bokmål or Nynorsk: which written variety an answer is in, from word forms and endings."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


#: Distinctive word forms with a weight (3: only one standard allows it; 1-2: typical but
#: not exclusive). Forms both standards share (og, det, har, kommunen, vi, blir, ...) are
#: absent or listed in _SHARED, which also keeps them from the ending rules below.
_NN_WORDS = {
    "ikkje": 3, "eg": 3, "kva": 3, "korleis": 3, "kvifor": 3, "kven": 3, "kvar": 2,
    "kor": 1, "frå": 3, "dei": 2, "deira": 3, "dykk": 3, "dykkar": 3, "vere": 3, "vera": 2,
    "berre": 3, "mykje": 3, "noko": 3, "nokon": 3, "nokre": 3, "heile": 2, "heilt": 2,
    "fleire": 3, "saman": 3, "meir": 3, "ein": 2, "eit": 3, "eitt": 3, "ho": 2, "hennar": 3,
    "òg": 3, "vore": 3, "vorte": 3, "vart": 1, "sjølv": 3, "sjølve": 3, "sjå": 3, "gjere": 3,
    "gjera": 3, "gjer": 2, "seie": 3, "seia": 3, "seier": 3, "trur": 3, "kjem": 3, "kome": 3,
    "koma": 3, "tek": 3, "treng": 3, "ligg": 2, "heng": 2, "set": 1, "verkar": 3, "hjå": 3,
    "difor": 3, "elles": 3, "enno": 3, "sidan": 3, "utan": 3, "då": 2, "no": 1, "me": 2,
    "desse": 3, "eigen": 3, "eige": 3, "eigne": 3, "eigentleg": 3, "mogleg": 3,
    "betre": 3, "same": 2, "greitt": 2, "heime": 3, "veke": 3, "veker": 3, "vekene": 3,
    "hovudsak": 3, "hovudsakleg": 3, "sjuk": 3, "tilsette": 3, "tilbod": 3, "tilboda": 3,
    "tilbodet": 3, "tilskot": 3, "tilskota": 3, "tilskotet": 3, "skule": 3, "skulen": 3,
    "skulane": 3, "busetjing": 3, "busetjinga": 3, "busette": 2, "busett": 2,
    "busetting": 2, "tidlegare": 3, "vidare": 3, "særleg": 3, "auke": 2, "auka": 2,
    "løysing": 3, "løysingar": 3, "høve": 2, "dessutan": 3, "framleis": 3, "nemnt": 3,
    "nemne": 3, "born": 3, "borna": 3, "fekk": 2, "gjekk": 3, "gjeve": 3, "gje": 3,
    "opplæringa": 2, "ordninga": 2, "meiner": 3, "meining": 3, "særs": 2, "røynsle": 3,
    "røynsler": 3, "avgjerd": 3, "avgjerder": 3, "vert": 3, "busetje": 3, "busetjast": 3,
    "handsame": 3, "handsama": 3, "handsaming": 3, "gong": 3, "gongar": 3, "leggje": 3,
    "leggja": 3, "innspel": 3, "merknadar": 3, "kommentarar": 3, "vaksne": 3, "vaksen": 3,
    "leiar": 3, "leiinga": 3, "nytte": 1, "nytta": 1, "nykomne": 2, "sjukepleiar": 3,
}
_NB_WORDS = {
    "ikke": 3, "jeg": 3, "hva": 3, "hvordan": 3, "hvorfor": 3, "hvem": 3, "hver": 2,
    "hvor": 2, "fra": 3, "de": 1, "deres": 2, "være": 3, "bare": 3, "mye": 3, "noe": 3,
    "noen": 3, "hele": 2, "helt": 2, "flere": 3, "sammen": 3, "mer": 3, "en": 2, "et": 2,
    "ett": 2, "hun": 3, "hennes": 3, "også": 1, "vært": 3, "ble": 2, "selv": 3, "se": 1,
    "gjøre": 3, "gjør": 2, "si": 1, "sier": 3, "tror": 3, "kommer": 3, "komme": 3, "tar": 3,
    "trenger": 3, "ligger": 2, "henger": 2, "setter": 2, "virker": 3, "hos": 1, "derfor": 2,
    "ellers": 3, "ennå": 3, "siden": 3, "uten": 3, "da": 1, "nå": 2, "disse": 3, "egen": 3,
    "eget": 3, "egne": 3, "egentlig": 3, "mulig": 3, "bedre": 3, "samme": 3, "hjemme": 3,
    "uke": 3, "uker": 3, "ukene": 3, "hovedsak": 3, "hovedsakelig": 3, "syk": 3,
    "ansatte": 3, "tilbud": 3, "tilbudet": 3, "tilbudene": 3, "tilskudd": 3,
    "tilskuddet": 3, "tilskuddene": 3, "skole": 3, "skolen": 3, "skolene": 3,
    "bosetting": 3, "bosettingen": 3, "bosatt": 3, "bosette": 3, "tidligere": 3,
    "videre": 3, "særlig": 3, "øke": 3, "økt": 3, "økning": 3, "løsning": 3,
    "løsninger": 3, "dessuten": 3, "fremdeles": 3, "fortsatt": 1, "nevnt": 3, "nevne": 3,
    "fikk": 2, "gikk": 3, "gitt": 1, "opplæringen": 3, "ordningen": 3, "mener": 3,
    "mening": 2, "avgjørelse": 3, "avgjørelser": 3, "kun": 1, "meget": 3, "hvis": 3,
    "legge": 2, "innspill": 2, "merknader": 1, "kommentarer": 1, "voksne": 3, "voksen": 3,
    "leder": 2, "ledelsen": 3, "nyankomne": 3, "sykepleier": 3,
}
#: shared forms that the ending rules would otherwise count (e.g. nn "kvinnene")
_SHARED = {
    "kvinnene", "mennene", "scene", "gene", "mellom", "svært", "veldig", "vi", "oss", "vår",
    "dette", "denne", "skal", "vil", "kunne", "mange", "ulike", "andre", "spørsmål",
    "barn", "barna", "eldre", "blitt", "hende", "kjende", "kjenne",
}
#: word endings that mark the standard (ending, weight, minimum word length). Norwegian
#: compounds end in their head word, so "integreringstilskotet" and "flyktningtenesta" are
#: caught by their last part.
_NN_SUFFIXES = (("ingar", 2, 7), ("ingane", 2, 8), ("arar", 2, 7), ("arane", 2, 8),
                ("teneste", 2, 7), ("tenesta", 2, 7), ("tenester", 2, 8), ("tilskot", 2, 9),
                ("tilskotet", 2, 11), ("tilbod", 2, 8), ("tilbodet", 2, 10), ("skule", 2, 7),
                ("skulen", 2, 8), ("leiar", 2, 7), ("leg", 1, 6), ("lege", 1, 7), ("legt", 1, 7),
                ("heit", 2, 6), ("heita", 2, 7), ("heiter", 2, 8), ("ande", 1, 8),
                ("ane", 1, 7))
_NB_SUFFIXES = (("inger", 2, 7), ("ingene", 2, 8), ("ere", 1, 8), ("erne", 1, 7),
                ("tjeneste", 2, 8), ("tjenesten", 2, 9), ("tjenester", 2, 9),
                ("tilskudd", 2, 10), ("tilskuddet", 2, 12), ("tilbud", 2, 8),
                ("tilbudet", 2, 10), ("skole", 2, 7), ("skolen", 2, 8), ("leder", 1, 7),
                ("lig", 1, 6), ("lige", 1, 7), ("ligt", 1, 7), ("het", 1, 6), ("heten", 2, 7),
                ("heter", 2, 7), ("ende", 1, 8), ("ene", 1, 6))
#: beginnings of compounds that mark the standard (prefix, weight)
_NN_PREFIXES = (("vaksen", 2), ("busetj", 2), ("heime", 2), ("sjuk", 1))
_NB_PREFIXES = (("voksen", 2), ("bosett", 2), ("hjemme", 2), ("syke", 1))
#: the Nynorsk indefinite plural "-ar" (elevar, ressursar, gongar) against Bokmål "-er";
#: these words end in "-ar" in both standards
_AR_SHARED = frozenset({
    "kommentar", "seminar", "januar", "februar", "formular", "inventar", "hektar", "dollar",
    "radar", "vikar", "kalendar", "altar", "bazar", "ansvar", "forsvar", "tilsvar", "motsvar",
    "kommissar", "sekretar", "notar", "familiar",
})


_WORD = re.compile(r"[^\W\d_]+")
_ADDRESS = re.compile(
    r"(?<!\S)(?:\S*@\S+|(?:https?://|www\.)\S+|\S+\.(?:no|com|org|net)(?![^\W_]))",
    re.IGNORECASE,
)


@lru_cache(maxsize=1 << 16)
def _word_score(word: str) -> tuple[float, float]:
    """(Nynorsk, Bokmål) evidence of one casefolded word; cached, as survey words repeat."""
    if word in _SHARED:
        return 0.0, 0.0
    if word in _NN_WORDS:
        return float(_NN_WORDS[word]), 0.0
    if word in _NB_WORDS:
        return 0.0, float(_NB_WORDS[word])
    for suffix, weight, minimum in _NN_SUFFIXES:
        if len(word) >= minimum and word.endswith(suffix):
            return float(weight), 0.0
    for suffix, weight, minimum in _NB_SUFFIXES:
        if len(word) >= minimum and word.endswith(suffix):
            return 0.0, float(weight)
    if (len(word) >= 6 and word.endswith("ar") and word not in _AR_SHARED
            and not word.endswith(("svar", "bar", "var", "tar"))):  # nb deltar, mottar
        return 1.0, 0.0
    for prefix, weight in _NN_PREFIXES:
        if len(word) > len(prefix) + 2 and word.startswith(prefix):
            return float(weight), 0.0
    for prefix, weight in _NB_PREFIXES:
        if len(word) > len(prefix) + 2 and word.startswith(prefix):
            return 0.0, float(weight)
    return 0.0, 0.0


def _variety_scores(text: str) -> tuple[float, float]:
    nn = nb = 0.0
    text = _ADDRESS.sub(" ", unicodedata.normalize("NFC", text))  # ".no" is not nn "no"
    for word in _WORD.findall(text.casefold()):
        word_nn, word_nb = _word_score(word)
        nn += word_nn
        nb += word_nb
    return nn, nb


def detect_variety(text: str) -> str:
    """``"nn"`` (Nynorsk) when its distinctive word forms outweigh Bokmål ones, else ``"nb"``.

    Scores weighted word forms (ikkje/ikke, eg/jeg, kva/hva, frå/fra, ...) and a few
    reliable endings (-ingar/-inger, -leg/-lig, -heit/-het). Ties and texts with no evidence
    count as Bokmål, the majority standard.
    """
    if not isinstance(text, str) or not text:
        return "nb"
    nn, nb = _variety_scores(text)
    return "nn" if nn > nb else "nb"
