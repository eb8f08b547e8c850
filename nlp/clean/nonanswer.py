"""Non-answers ("Nei takk", "Ingen kommentarar", "-", "Veit ikkje"): stock phrases by rule, the rest by shape.

They carry no theme, so they are flagged and reported as their own pre-code instead of being fed
to the topic model. Stock phrases are matched by rules; a small learned model
(`nlp.clean.nonanswer_model`) catches the other ones by their shape ("Det får rektor svare på").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


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


def phrase_key(text: str) -> str:
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
    return _learned_nonanswer(phrase_key(text))


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
    key = phrase_key(text) if isinstance(text, str) else ""
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
