"""Cleaning open answers: normalisation, non-answers, duplicates and written variety.

Non-answers ("Nei takk", "Ingen kommentarar", "-", "Veit ikkje") carry no theme; they are
flagged and reported as their own pre-code instead of being fed to the topic model. Stock
phrases are matched by rules; a small learned model (`nlp.clean.nonanswer_model`) catches the other
ones by their shape ("Det får rektor svare på").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Cleaned", "clean", "detect_variety", "is_nonanswer", "is_stock_nonanswer", "normalize",
           "stock_phrase_words"]

# ------------------------------------------------------------------ normalize

#: Unicode categories removed outright: controls (Cc), format characters (Cf: zero-width
#: space/joiners, soft hyphen, BOM, bidi marks), unassigned (Cn), private use (Co) and
#: lone surrogates (Cs).
_DROP_CATEGORIES = {"Cc", "Cf", "Cn", "Co", "Cs"}
_OOXML_ESCAPE = re.compile(r"_x000[dDaA9]_")  # Excel's escaped \r \n \t left in exports


def normalize(text: str) -> str:
    """NFC, drop invisible control/format characters, collapse all whitespace to one space.

    The result is a single line without leading or trailing spaces. ``None``/NaN give ``""``.
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    if "_x" in text:
        text = _OOXML_ESCAPE.sub(" ", text)
    if text.isprintable():  # fast path: no controls, format characters or odd spaces
        return " ".join(text.split()) if "  " in text else text.strip()
    chars = []
    for ch in text:
        if ch.isspace():
            chars.append(" ")
        elif unicodedata.category(ch) not in _DROP_CATEGORIES:
            chars.append(ch)
    return " ".join("".join(chars).split())


# ---------------------------------------------------------------- non-answers


def _alt(*phrases: str) -> str:
    """Regex alternation, longest first so the engine tries the fuller phrase first."""
    return "(?:" + "|".join(sorted(set(phrases), key=lambda p: (-len(p), p))) + ")"


# Everything below works on a *key*: casefolded, punctuation replaced by spaces, one space
# between words. Each unit therefore is a sequence of words separated by single spaces.

_SUBJECT = _alt(
    "jeg", "eg", "je", "vi", "me", "kommunen", "vi i kommunen", "vi som kommune",
    "det er", "det var", "det blir", "der er", "her er", "det finnes", "det fins", "det finst",
    "jeg har", "eg har", "vi har", "me har", "har", "hev",
)
_NOTHING = _alt(
    "ingen", "intet", "inga", "ingenting", "ingen ting", "inkje", "ikkje noko", "ikke noe",
    "ikke noko", "ikkje noe", "ikke noen", "ikkje nokon", "ikkje noen", "ikke nokon",
    "ikke no", "ikkje no", "ikke mye", "ikkje mykje", "ikke mer", "ikkje meir",
)
_QUALIFIER = _alt(
    "mer", "meir", "mere", "flere", "fleire", "andre", "anna", "annet", "ytterligere",
    "ytterlegare", "videre", "vidare", "nye", "nytt", "spesielle", "spesielt", "spesiell",
    "spesielt mye", "særskilt", "særskilte", "særlig", "særleg", "særlige", "særlege",
    "konkret", "konkrete", "vesentlig", "vesentleg", "vesentlige", "vesentlege", "utfyllende",
    "utfyllande", "nevneverdig", "nemneverdig", "nevneverdige", "nemneverdige", "egentlig",
    "eigentleg", "dessverre", "mer spesielt", "meir spesielt",
)
_OBJECT = _alt(
    "kommentar", "kommentarer", "kommentarar", "kommentarene", "kommentarane", "kommentere",
    "kommentera", "merknad", "merknader", "merknadar", "merknadene", "innspill", "innspel",
    "tilbakemelding", "tilbakemeldinger", "tilbakemeldingar", "svar", "tillegg",
    "tilføyelser", "tilføyingar", "synspunkt", "synspunkter", "synspunkta", "mening",
    "meninger", "meiningar", "meining", "formening", "oppfatning", "bemerkninger",
    "bemerkning", "ting", "å melde", "å melda", "å rapportere", "å rapportera",
    "å tilføye", "å tilføya", "å tilføie", "å føye til", "å føya til", "å legge til",
    "å leggje til", "å leggja til", "å legga til", "å si", "å seie", "å seia", "å sei",
    "å kommentere", "å kommentera", "å bemerke", "å merke", "å merka", "å nevne", "å nemne",
    "å nemna", "å utdype", "å utdjupe", "å tilføre", "å komme med", "å kome med", "å koma med",
    "å bidra med", "å skrive", "å skriva", "å svare", "å svara", "å tilføre her",
    "å legge til her", "kommentar å komme med", "kommentarer å komme med", "å tilføye her",
    "å utdype", "å melde om", "å melda om",
)
_DONT_KNOW = _alt(
    "vet ikke", "veit ikke", "veit ikkje", "vet ikkje", "vett ikke", "vet ikk", "vet ik",
    "vet ikke helt", "veit ikkje heilt", "veit ikke helt", "vet ikke noe om det",
    "veit ikkje noko om det", "vet ikke hva jeg skal svare", "veit ikkje kva eg skal svare",
    "usikker", "usikkert", "uvisst", "ukjent", "ikke sikker", "ikkje sikker",
    "ikke sikkert", "ikkje sikkert", "vanskelig å si", "vanskeleg å si", "vanskeleg å seie",
    "vanskelig å svare", "vanskeleg å svare", "vanskelig å svare på", "vanskeleg å svare på",
    "vanskelig å svare på dette", "vanskeleg å svare på dette", "kan ikke svare",
    "kan ikkje svare", "kan ikke svare på dette", "kan ikkje svare på dette",
    "kan ikke uttale meg", "kan ikkje uttale meg", "kan ikke si", "kan ikkje seie",
    "har ingen formening", "ingen formening", "har ikke oversikt", "har ikkje oversikt",
    "kjenner ikke til dette", "kjenner ikkje til dette", "kjenner ikke til det",
    "kjenner ikkje til det", "ikke kjent", "ikkje kjent", "ingen anelse", "aner ikke",
    "aner ikkje", "har ikke peiling", "har ikkje peiling", "ikke peiling", "ikkje peiling",
    "dont know", "don t know", "do not know", "ikke grunnlag for å svare",
    "ikkje grunnlag for å svare", "har ikke grunnlag for å svare", "har ikkje grunnlag for å svare",
    "ikke grunnlag for å svare på dette", "ikkje grunnlag for å svare på dette",
    "har ikke grunnlag for å svare på dette", "har ikkje grunnlag for å svare på dette",
    "har ikke grunnlag for å uttale meg", "har ikkje grunnlag for å uttale meg",
    "har ikke grunnlag til å svare", "har ikkje grunnlag til å svare",
    "har ikke oversikt over dette", "har ikkje oversikt over dette",
    "har ikke oversikt over det", "har ikkje oversikt over det", "ikke oversikt",
    "ikkje oversikt", "ikke kjent med dette", "ikkje kjent med dette", "ikke kjent med det",
    "ikkje kjent med det", "kjenner ikke til", "kjenner ikkje til",
)
_NOT_APPLICABLE = _alt(
    "ikke aktuelt", "ikkje aktuelt", "ikke aktuell", "ikkje aktuell", "ikke aktuelle",
    "ikkje aktuelle", "ikke relevant", "ikkje relevant", "ikke relevante", "ikkje relevante",
    "ikke akt", "ikkje akt", "irrelevant", "uaktuelt", "uaktuell", "gjelder ikke",
    "gjeld ikkje", "gjelder ikkje", "gjeld ikke", "ikke aktuelt lenger", "ikkje aktuelt lenger",
    "ikke relevant lenger", "ikkje relevant lenger", "ikke gjeldende", "ikkje gjeldande",
    "ikke aktuelt spørsmål", "ikkje aktuelt spørsmål", "ikke besvart", "ikkje svara",
    "ubesvart", "na", "n a", "i a", "ia", "nil", "null", "none", "nothing", "nada", "no comment",
    "nan", "undefined", "udefinert", "missing",
    "no comments", "not applicable", "ikke svar", "ikkje svar",
)
_POINTER = _alt(
    "se over", "se ovenfor", "sjå over", "sjå ovanfor", "sja over", "se under", "sjå under",
    "se nedenfor", "sjå nedanfor", "som over", "som ovenfor", "som ovanfor", "som nevnt",
    "som nemnt", "som nevnt over", "som nemnt over", "som nevnt ovenfor", "som nemnt ovanfor",
    "som nevnt tidligere", "som nemnt tidlegare", "som sagt", "som sagt over",
    "som tidligere", "som tidlegare", "som før", "som i fjor", "samme som over", "same som over",
    "samme som ovenfor", "same som ovanfor", "det samme", "det same", "samme", "same", "ditto",
    "do", "se tidligere svar", "sjå tidlegare svar", "se svar over", "sjå svar over",
    "se svaret over", "sjå svaret over", "se svar ovenfor", "se forrige svar",
    "sjå førre svar", "se forrige spørsmål", "sjå førre spørsmål", "se svar på forrige spørsmål",
    "sjå svar på førre spørsmål", "viser til svar over", "viser til svaret over",
    "viser til tidligere svar", "viser til tidlegare svar", "viser til over",
    "se kommentar over", "sjå kommentar over", "se kommentarer over", "sjå kommentarar over",
    "se tidligere kommentarer", "sjå tidlegare kommentarar", "se vedlegg", "sjå vedlegg",
    "som skrevet over", "som skrive over", "jf over", "jfr over", "ref over",
)
#: "Se kommentar til kvalifisering": the answer is elsewhere (one or two words name where)
_POINTER_ELSEWHERE = (
    r"(?:se|sjå|sja|viser til|vis til|jf|jfr) (?:min |mitt |mine |vår |våre |vårt )?"
    r"(?:kommentar|kommentaren|kommentarer|kommentarene|kommentarar|kommentarane|svar|svaret|"
    r"svara|svarene|svarane|tidligere svar|tidlegare svar|tidligere kommentar|"
    r"tidlegare kommentar) (?:mitt |min |mi |mine |vårt |vår |våre )?"
    r"(?:til|under|på|i|ved|om) [^ ]+(?: [^ ]+)?"
)
_BARE = _alt(
    "nei", "nope", "niks", "nix", "neida", "nei da", "nej", "no", "næ", "nææ", "neppe",
    "takk", "tak", "takk for meg", "takk for nå", "takk for undersøkelsen",
    "takk for undersøkinga", "tusen takk", "mvh", "x+", "0", "test", "ingen svar",
    "har ikke det", "har ikkje det", "det har jeg ikke", "det har vi ikke", "det har eg ikkje",
    "det har me ikkje", "det har vi ikkje", "har ikke noe", "har ikkje noko",
    "kommer ikke på noe", "kjem ikkje på noko", "kommer ikke på noe mer",
    "kjem ikkje på noko meir", "kommer ikke på noe nå", "egentlig ikke", "eigentleg ikkje",
    "ikke egentlig", "ikkje eigentleg", "ikke noe spesielt", "ikkje noko spesielt",
    "ikke nå", "ikkje no", "ikke for øyeblikket", "ikke foreløpig", "ikkje førebels",
    "nei ikke nå", "alt er sagt", "ikkje for augneblinken", "ikke for tiden",
    "ikkje for tida", "ikke utover dette", "ikkje utover dette",
)
_CORE = _alt(
    _BARE,
    rf"(?:{_SUBJECT} )?{_DONT_KNOW}",
    rf"(?:{_SUBJECT} )?{_NOT_APPLICABLE}",
    _POINTER,
    _POINTER_ELSEWHERE,
    rf"(?:{_SUBJECT} )?(?:{_SUBJECT} )?{_NOTHING}(?: {_QUALIFIER})*(?: {_OBJECT})?",
)
_LEAD = _alt(
    "nei", "nope", "niks", "neida", "nei da", "takk", "ok", "okei", "hei", "hmm", "hm", "tja",
    "jo", "foreløpig", "førebels", "egentlig", "eigentleg", "dessverre", "nei dessverre",
    "svar", "kommentar", "kommentarer",
)
_UTOVER = (
    r"(?:ikke |ikkje )?(?:utover|ut over|utenom|utanom|utenfor|anna enn|annet enn|mer enn|"
    r"meir enn) (?:det|dette|det som står|det eg har|det jeg har|det vi har|det me har|"
    r"det som (?:allerede |allereie |alt )?(?:er|har blitt|har vorte|har vore|har vært|vart|ble))"
    r"(?: (?:nevnt|nemnt|sagt|skrevet|skrive|svart|svara|kommentert|beskrevet|beskrive|"
    r"nevnt over|nemnt over|sagt over|skrevet over|skrive over|svart over|"
    r"nevnt ovenfor|nemnt ovanfor|sagt ovenfor|skrevet ovenfor|"
    r"nevnt tidligere|nemnt tidlegare|sagt tidligere|sagt tidlegare|skrevet tidligere|"
    r"svart tidligere|svart tidlegare|nevnt før|nemnt før|sagt før|skrevet før|"
    r"allerede nevnt|allereie nemnt|allerede sagt|allereie sagt|i undersøkelsen|"
    r"i undersøkinga|i skjemaet))?"
)
_TRAIL = _alt(
    _UTOVER,
    "takk", "tusen takk", "ellers takk", "elles takk", "takk for meg", "mvh", "hilsen",
    "nå", "no", "for nå", "for no", "ikke nå", "ikkje no", "per nå", "per no", "pr nå",
    "pt", "p t", "for tiden", "for tida", "for øyeblikket", "for augneblinken",
    "foreløpig", "førebels", "ikke foreløpig", "ikkje førebels", "i denne omgang",
    "i denne omgangen", "på nåværende tidspunkt", "på noverande tidspunkt",
    "på dette tidspunktet", "på dette tidspunkt", "i år", "i år heller", "heller",
    "fra meg", "frå meg", "fra oss", "frå oss", "fra vår side", "frå vår side",
    "fra min side", "frå mi side", "fra kommunen", "frå kommunen", "her", "til dette",
    "til denne", "til det", "på dette", "om dette", "på det", "til spørsmålet",
    "til dette spørsmålet", "på dette spørsmålet", "på spørsmålet", "til denne delen",
    "på dette punktet", "til dette punktet", "til punktet", "i dette feltet",
    "i denne sammenheng", "i denne samanhengen", "i denne sammenhengen",
    "egentlig", "eigentleg", "dessverre", "for vår del", "for vår kommune", "i vår kommune",
    "for kommunen", "for oss", "hos oss", "for vår del", "akkurat nå", "akkurat no",
    "som jeg kommer på", "som eg kjem på", "som jeg kan komme på", "som eg kan kome på",
    "ikke som jeg kommer på", "ikkje som eg kjem på", "ikke som jeg kan komme på",
    "ikke som jeg vet om", "ikkje som eg veit om", "som jeg vet om", "som eg veit om",
    "det er alt", "det var alt", "det er det", "det var det", "i skjemaet",
    "i undersøkelsen", "i undersøkinga", "ellers", "elles", "i tillegg", "nei",
    "ikke", "ikkje", "heller ikke", "heller ikkje", "ingen", "ikke noe", "ikkje noko",
    "dette året", "i fjor", "oss", "meg", "vår kommune", "i kommunen", "vår del",
)
# A non-answer is: lead-in words, a stock phrase, then more stock phrases or words that add
# nothing (LEAD* CORE (CORE|TRAIL)*). Each unit is matched on its own and the sequence is
# found by dynamic programming over word positions: one big regex with nested repetition
# backtracks exponentially on long near-misses.
_LEAD_RE = re.compile(_LEAD)
_CORE_RE = re.compile(_CORE)
_TRAIL_RE = re.compile(_TRAIL)
#: cheap first test: most answers cannot even begin with a unit
_START_RE = re.compile(rf"(?:{_LEAD}|{_CORE})(?: |$)")
#: the longest unit, in words
_MAX_UNIT_WORDS = 14
#: answers with more words than this are never non-answers (bounds the regex work too)
_MAX_NONANSWER_WORDS = 25
_WORD_OR_DIGIT = re.compile(r"[^\W_]+")


#: words of the stock phrases that are long enough for typo tolerance
_PHRASE_WORDS = frozenset(
    word
    for word in re.findall(r"[^\W\d_]+", _SUBJECT + _NOTHING + _QUALIFIER + _OBJECT
                           + _DONT_KNOW + _NOT_APPLICABLE + _POINTER + _BARE + _TRAIL)
    if len(word) >= 6
)
#: keys with more words are not retried with typo correction
_MAX_FUZZY_WORDS = 12


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours costs 1), capped at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


@lru_cache(maxsize=1 << 14)
def _correct(word: str) -> str:
    """A misspelt stock-phrase word ("komentar", "tilfoye") as spelt in the phrases."""
    if len(word) < 6 or word in _PHRASE_WORDS or not word.isalpha():
        return word
    limit = 1 if len(word) < 10 else 2
    best, best_distance = word, limit + 1
    for candidate in sorted(_PHRASE_WORDS):
        if candidate[0] != word[0] and candidate[:2] != word[1::-1]:
            continue
        distance = _edit_distance(word, candidate, limit)
        if distance < best_distance:
            best, best_distance = candidate, distance
    return best


def _key(text: str) -> str:
    """Casefolded words only: punctuation, symbols and emoji become word breaks."""
    return " ".join(_WORD_OR_DIGIT.findall(unicodedata.normalize("NFKC", text).casefold()))


#: a spreadsheet error value left in a cell (#N/A, #I/T, #VERDI!, #REF!, #DIV/0!, ...)
_SPREADSHEET_ERROR = re.compile(
    r"#(?:N/?A|I/?T|VALUE!|VERDI!|REF!|NAME\?|NAVN\?|DIV/0!|NULL!|NUM!|TALL!|SPILL!|CALC!)",
    re.IGNORECASE,
)


def is_nonanswer(text: str) -> bool:
    """True for answers that say nothing: the stock-phrase rules or the learned model.

    `is_stock_nonanswer` knows the stock phrases; the model (`nlp.clean.nonanswer_model`, trained on
    `data/nonanswer_train.csv`) knows the shape of other ones ("Har for liten innsikt i dette",
    "Det må leder for introduksjonsprogrammet svare på") and only sees texts of a few words.
    Missing-value text ("NaN", "null", "#N/A") is a non-answer too.
    """
    if is_stock_nonanswer(text):
        return True
    return _learned_nonanswer(_key(text))


#: a bare "ok", "greit" or "bra" says the respondent is satisfied: a (weak) answer, whatever
#: the model makes of it
_WEAK_ANSWERS = frozenset({"ok", "okei", "okay", "greit", "grei", "bra"})


@lru_cache(maxsize=1 << 16)
def _learned_nonanswer(key: str) -> bool:
    from nlp.clean.nonanswer_model import load_model

    if not key or key in _WEAK_ANSWERS:
        return False
    return load_model().is_nonanswer(key.split(" "))


def stock_phrase_words() -> frozenset[str]:
    """Every word of the stock phrases (lead-ins, phrases, trailing fillers), any length."""
    return frozenset(re.findall(r"[^\W\d_]+", _LEAD + _CORE + _TRAIL))


def is_stock_nonanswer(text: str) -> bool:
    """True for answers that say nothing: empty, punctuation only, or a stock phrase.

    Stock phrases in Bokmål and Nynorsk ("nei takk", "ingen kommentarar", "veit ikkje",
    "ikke aktuelt", "se over", "nei, ikke utover det som er nevnt") count with any case,
    punctuation and filler words around them; anything that adds content ("Nei, samarbeidet
    har vært dårlig", "Ingen tilbud om norskopplæring") does not. A bare "ok", "greit" or
    "bra" is kept as a (weak) substantive answer: it still says the respondent is satisfied.
    """
    key = _key(text) if isinstance(text, str) else ""
    if not key or _SPREADSHEET_ERROR.fullmatch(text.strip()):
        return True
    words = key.count(" ") + 1
    if words > _MAX_NONANSWER_WORDS:
        return False
    tokens = key.split(" ")
    if _is_stock_sequence(tokens):
        return True
    if words > _MAX_FUZZY_WORDS:
        return False
    corrected = [_correct(w) for w in tokens]
    return corrected != tokens and _is_stock_sequence(corrected)


def _is_stock_sequence(tokens: list[str]) -> bool:
    """Whether the words split into LEAD* CORE (CORE|TRAIL)* units."""
    if not _START_RE.match(" ".join(tokens)):
        return False
    n = len(tokens)
    before_core = [False] * (n + 1)  # reachable having seen only lead-in words
    after_core = [False] * (n + 1)  # reachable after at least one stock phrase
    before_core[0] = True
    for i in range(n):
        if not (before_core[i] or after_core[i]):
            continue
        for j in range(i + 1, min(n, i + _MAX_UNIT_WORDS) + 1):
            span = " ".join(tokens[i:j])
            core = _CORE_RE.fullmatch(span) is not None
            if before_core[i]:
                if core:
                    after_core[j] = True
                if _LEAD_RE.fullmatch(span):
                    before_core[j] = True
            if after_core[i] and (core or _TRAIL_RE.fullmatch(span)):
                after_core[j] = True
    return after_core[n]


# ------------------------------------------------------------------- variety

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


# --------------------------------------------------------------------- clean


@dataclass
class Cleaned:
    """Per-row cleaning results, aligned with the input texts."""

    text: list[str]  # normalized
    is_nonanswer: list[bool]
    is_duplicate: list[bool]  # same normalized text (ignoring case) as an earlier answer
    variety: list[str]  # "nb" or "nn"


def clean(texts: Sequence[str]) -> Cleaned:
    """Normalise every text and flag non-answers, exact duplicates and written variety.

    A duplicate is a substantive answer whose normalised, casefolded text equals an earlier
    substantive answer; the first occurrence is not a duplicate. Non-answers are never
    duplicates: they are their own pre-code, however often they occur.
    """
    normalized = [normalize(t) for t in texts]
    nonanswer = [is_nonanswer(t) for t in normalized]
    seen: set[str] = set()
    duplicate = []
    for text, empty in zip(normalized, nonanswer):
        if empty:
            duplicate.append(False)
            continue
        key = text.casefold()
        duplicate.append(key in seen)
        seen.add(key)
    variety = [detect_variety(t) for t in normalized]
    return Cleaned(text=normalized, is_nonanswer=nonanswer, is_duplicate=duplicate,
                   variety=variety)
