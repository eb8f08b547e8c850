"""Pattern detectors for personal data with a fixed shape: e-mail, fødselsnummer, phone, address.

Each `find_*` returns `(start, end)` character offsets into the text. The patterns are written for
how Norwegian respondents actually type these things (spaced phone groups, +47/0047, "(at)" in
e-mail addresses, "Kirkeveien 5B, 0368 Oslo"), and each carries the guards that keep look-alikes
(case and organisation numbers, amounts, dates, years, paragraphs of law) untouched.
"""

from __future__ import annotations

import re
from datetime import date

# --------------------------------------------------------------------------- e-mail

_EMAIL = re.compile(
    r"(?<![\w.+-])"
    r"[\w+-]+(?:\.[\w+-]+)*"
    r"(?:\s?@\s?|\s?[\(\[]\s?(?:at|alfakrøll)\s?[\)\]]\s?)"
    r"[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"
    r"(?![\w@-])",
    re.IGNORECASE,
)


def find_emails(text: str) -> list[tuple[int, int]]:
    """E-mail addresses, also the "navn (at) domene.no" and "[at]" spellings."""
    return [m.span() for m in _EMAIL.finditer(text)]


# --------------------------------------------------------------------------- fødselsnummer

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control(digits: str, weights: tuple[int, ...]) -> int | None:
    r = 11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return 0 if r == 11 else (None if r == 10 else r)


def is_valid_fnr(number: str) -> bool:
    """True for 11 digits whose two control digits pass the mod-11 check (fødselsnummer, D-number).

    The date part is deliberately not checked: D-numbers, H-numbers and synthetic test numbers
    shift day or month, and a number that passes both control digits is treated as personal data.
    """
    digits = re.sub(r"[\s.-]", "", number)
    if len(digits) != 11 or not digits.isdigit():
        return False
    k1 = _control(digits[:9], _W1)
    k2 = _control(digits[:10], _W2)
    return k1 is not None and k2 is not None and k1 == int(digits[9]) and k2 == int(digits[10])


_FNR = re.compile(r"(?<![\w+/-])(?<!\d[.,])\d{6}[ -]?\d{5}(?![\w/-]|[.,]\d)")


def find_fnr(text: str) -> list[tuple[int, int]]:
    """Fødselsnummer and D-numbers: 11 digits (optionally 6+5) that pass the mod-11 check."""
    return [m.span() for m in _FNR.finditer(text) if is_valid_fnr(m.group())]


# --------------------------------------------------------------------------- phone numbers

_SEP = r"[ .\-\u00a0]"
_PHONE = re.compile(
    r"(?<![\w+-])(?<!\d[.,])(?<!\d )(?:(?<!\d/)|(?<=(?<!\d)\d{8}/))"
    r"(?P<prefix>(?:\(\s?\+\s?47\s?\)|\+\s?47|0047)[ .\-\u00a0]?)?"
    r"(?P<body>"
    rf"[2-9]\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{3}}"
    rf"|[2-9]\d{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    r"|[2-9]\d{3}[ \-\u00a0]\d{4}"
    r"|[2-9]\d{7}"
    r")"
    r"(?![\w-]|[.,]\d|[ \u00a0]\d|/\d(?!\d{7}\b))"
)

# A number right after one of these labels is a case, organisation, account or reference number.
_NOT_PHONE_LABEL = re.compile(
    r"(?:saks?(?:nummer|nr)?|saka|org(?:anisasjons)?\.?\s?(?:nr|nummer)?|orgnr|prosjekt(?:nummer|nr)?"
    r"|referanse(?:nummer)?(?:et)?|ref|konto(?:nummer|nr)?|kunde(?:nummer|nr)?|faktura(?:nummer|nr)?"
    r"|arkiv(?:sak|nummer|nr)?|journal(?:post|nummer|nr)?|dok(?:ument)?(?:nummer|nr)?|vedtak"
    r"|løpe(?:nummer|nr)|bilag(?:snummer|snr)?|id|avtale(?:nummer|nr)?|ordre(?:nummer|nr)?"
    r"|postboks|pb|gnr|bnr|matrikkel(?:nummer|nr)?|kid|kontrakt(?:nummer|nr)?|søknad(?:snummer|snr)?)"
    r"[\s.:#-]*(?:nr\.?|nummer|no\.?)?[\s.:#-]*(?:er\s+|var\s+|)$",
    re.IGNORECASE,
)
_PHONE_LABEL = re.compile(
    r"(?:tlf|tel|telefon\w*|mobil\w*|mob|ring|ringe|ringt|sms|direkte|sentralbord\w*|nr|nummer\w*)"
    r"[\s.:]*(?:nr\.?|nummer)?(?:\s+\w{1,4}){0,2}[\s.:]*$",
    re.IGNORECASE,
)
_AMOUNT_BEFORE = re.compile(r"(?:kr|nok|kroner|sum|beløp|beløpet|totalt)\.?\s*$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(
    r"^\s*(?:kr\b|kroner|nok\b|,-|%|prosent|timer|dager|personer|innbyggere|deltak[ea]r|elev(?:er|ar)|stk)",
    re.IGNORECASE,
)


def _is_date8(digits: str) -> bool:
    """8 bare digits that read as yyyymmdd or ddmmyyyy in 1900-2099 are a date, not a phone."""
    for y, m, d in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        if y[:2] in ("19", "20"):
            try:
                date(int(y), int(m), int(d))
                return True
            except ValueError:
                pass
    return False


def find_phones(text: str) -> list[tuple[int, int]]:
    """Norwegian phone numbers: 8 digits as typed (412 34 567, 22 33 44 55, 4123 4567), +47/0047."""
    out = []
    for m in _PHONE.finditer(text):
        body = m.group("body")
        digits = re.sub(r"\D", "", body)
        if not m.group("prefix"):
            before = text[max(0, m.start() - 40):m.start()]
            if _NOT_PHONE_LABEL.search(before) or _AMOUNT_BEFORE.search(before):
                continue
            if _AMOUNT_AFTER.match(text[m.end():m.end() + 20]):
                continue
            groups = re.split(r"\D", body)
            if _PHONE_LABEL.search(before):
                out.append(m.span())
                continue
            if len(groups) == 2 and all(g[:2] in ("19", "20") for g in groups):
                continue  # "2019 2020": two years
            if len(groups) == 1 and _is_date8(digits):
                continue
        out.append(m.span())
    return out


# --------------------------------------------------------------------------- street addresses

_UPPER = "A-ZÆØÅÄÖÜÉ"
_STRONG = (
    "gata", "gate", "gaten", "veien", "vegen", "vei", "veg", "allé", "alle", "alléen", "stien", "stredet",
    "smauet", "veita", "plass", "torg", "torget", "brygge", "bryggen", "brygga", "kaia", "kaien",
)
_ABBREV = ("gt.", "vn.", "vg.", "gt", "vn")
_WEAK = (
    "bakken", "bakke", "brekka", "brekke", "lia", "tunet", "tun", "ringen", "svingen", "løkka", "kroken",
    "grenda", "jordet", "haugen", "åsen", "myra", "hagen", "parken", "park", "terrasse", "terrassen",
    "kleiva", "bråten", "lunden", "enga", "engen", "sletta", "moen", "skogen", "toppen", "høgda", "høyda",
    "dalen", "stranda", "gården", "tråkket", "skrenten", "feltet", "vollen", "marka", "neset", "kollen",
    "utsikten", "plassen", "stigen", "lykkja", "krossen", "krysset", "holtet", "berget",
)
_SEPARATE = ("gate", "gata", "vei", "veg", "allé", "alle", "plass", "torg", "bakke", "terrasse", "park", "brygge")
_MODIFIERS = ("Nedre", "Øvre", "Øvste", "Søndre", "Nordre", "Vestre", "Østre", "Store", "Lille", "Gamle", "Nye",
              "Ytre", "Indre", "Midtre", "Sankt", "St.")
_NUM = r"(?P<num>\d{1,3}(?:\s?[-–]\s?\d{1,3})?(?:[A-Za-z]|\s[A-H])?)(?![\w-]|[.,]\d)"
_POST = rf"(?P<post>,?\s+\d{{4}}\s+[{_UPPER}][\w-]*(?:\s+i\s+[{_UPPER}][\w-]*)?)?"


def _alt(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_COMPOUND = re.compile(
    rf"(?<![\w-])(?P<street>(?:(?:{_alt(_MODIFIERS)})\s+)?(?P<word>[\w]{{3,}}(?:{_alt(_STRONG + _WEAK)})"
    rf"|[\w]{{3,}}(?:gt\.|vn\.|vg\.))"
    rf")\s+{_NUM}{_POST}",
)
_SEPARATE_RE = re.compile(
    rf"(?<![\w-])(?P<street>(?:[{_UPPER}][\w.'’]*\s+){{1,3}}(?:{_alt(_SEPARATE)}))\s+{_NUM}{_POST}"
)
_UNIT_AFTER = re.compile(
    r"^\s*(?:%|prosent|dager?|døgn|uker?|veker?|måneder|månader|timer?|år\b|personer|deltak[ea]r\w*"
    r"|elev\w*|barn\b|familier|plasser|ganger|gonger|kr\b|kroner|stk|km|meter|min)",
    re.IGNORECASE,
)
_ADDRESS_CUE = re.compile(
    r"(?:adresse\w*|bor|bur|budde|bodde|flytt\w*|besøk\w*|leilighet\w*|bustad\w*|bolig\w*|hus)[\s:,]*"
    r"(?:i|på|til|frå|fra|er)?\s*$",
    re.IGNORECASE,
)


#: any capitalised street name, house number, postcode and place: "Grønlandsleiret 31, 0190 Oslo"
_WITH_POSTCODE = re.compile(
    rf"(?<![\w-])(?P<street>(?:[{_UPPER}][\w.'’-]*\s+){{0,3}}[{_UPPER}][\w'’-]+)\s+"
    rf"(?P<num>\d{{1,3}}(?:\s?[-–]\s?\d{{1,3}})?(?:[A-Za-z]|\s[A-H])?)"
    rf"(?P<post>,?\s+\d{{4}}\s+[{_UPPER}][\w-]*(?:\s+i\s+[{_UPPER}][\w-]*)?)"
)


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?\n:"


def find_addresses(text: str) -> list[tuple[int, int]]:
    """Street addresses: street name and house number, with postcode and place when given."""
    out = []
    for regex in (_COMPOUND, _SEPARATE_RE):
        for m in regex.finditer(text):
            if _UNIT_AFTER.match(text[m.end("num"):m.end("num") + 15]) and not m.group("post"):
                continue
            street = m.group("street")
            word = m.groupdict().get("word") or street.split()[-1]
            if regex is _COMPOUND:
                folded = word.casefold().rstrip(".")
                weak = not folded.endswith(_STRONG) and not folded.endswith(tuple(a.rstrip(".") for a in _ABBREV))
                if weak and not m.group("post"):
                    cue = _ADDRESS_CUE.search(text[max(0, m.start() - 30):m.start()])
                    capitalised_mid = word[0].isupper() and not _sentence_initial(text, m.start("word"))
                    if not (cue or capitalised_mid):
                        continue
                if not word[0].isupper() and not m.group("post"):
                    cue = _ADDRESS_CUE.search(text[max(0, m.start() - 30):m.start()])
                    if weak or not (cue or folded.endswith(("gata", "gate", "gaten", "veien", "vegen"))):
                        continue
            end = m.end()
            out.append((m.start(), end))
    for m in _WITH_POSTCODE.finditer(text):
        if not m.group("street").casefold().startswith(("postboks", "pb", "boks")):
            out.append(m.span())
    return _drop_nested(out)


def _drop_nested(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = sorted(set(spans), key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
            continue
        out.append((s, e))
    return out
