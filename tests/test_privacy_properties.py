"""Property-based tests: generated phone numbers, e-mail addresses and fødselsnummer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.privacy.redactor import Redactor
from nlp.privacy.patterns import is_valid_fnr

RULES = Redactor(use_ner=False)
W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _control(digits: str, weights) -> int | None:
    r = 11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return 0 if r == 11 else (None if r == 10 else r)


def _with_controls(base9: str) -> str | None:
    k1 = _control(base9, W1)
    if k1 is None:
        return None
    k2 = _control(base9 + str(k1), W2)
    return None if k2 is None else base9 + str(k1) + str(k2)


def _covered(text: str, start: int, end: int, kind: str) -> bool:
    spans = RULES.redact(text).spans
    return any(s.start <= start and end <= s.end and s.type == kind for s in spans)


contexts = st.sampled_from([
    ("Ring meg på ", " om noe er uklart."),
    ("tlf ", ""),
    ("Kontakt: Kari, mobil ", ", eller send e-post."),
    ("Nummeret ", " er til vakta."),
    ("", " (sentralbord)"),
])


@st.composite
def phone_numbers(draw):
    first = draw(st.sampled_from("4 9".split() if draw(st.booleans()) else list("2345679")))
    digits = first + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=7, max_size=7)))
    fmt = draw(st.sampled_from(["8", "323", "2222", "44"]))
    if fmt in ("8", "44") and first not in "49":
        fmt = "323"  # unspaced landline numbers can read as dates ("20211224") or years: written spaced
    sep = draw(st.sampled_from([" ", " ", "-"]))
    if fmt == "8":
        body = digits
    elif fmt == "323":
        body = sep.join([digits[:3], digits[3:5], digits[5:]])
    elif fmt == "2222":
        body = sep.join([digits[i:i + 2] for i in range(0, 8, 2)])
    else:
        body = digits[:4] + " " + digits[4:]
    prefix = draw(st.sampled_from(["", "", "+47 ", "+47", "0047 ", "(+47) "]))
    return prefix + body


@settings(max_examples=300, deadline=None, derandomize=True)
@given(number=phone_numbers(), ctx=contexts)
def test_generated_phone_numbers_are_redacted(number, ctx):
    before, after = ctx
    text = before + number + after
    start = len(before)
    assert _covered(text, start, start + len(number), "PHONE"), text
    assert number not in RULES.redact(text).text


label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
local_parts = st.lists(label, min_size=1, max_size=3).map(lambda parts: ".".join(parts)) | st.tuples(label, label).map(
    lambda t: f"{t[0]}-{t[1]}"
)
domains = st.tuples(st.lists(label, min_size=1, max_size=3), st.sampled_from(["no", "com", "org", "net", "kommune.no", "info"]))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(local=local_parts, domain=domains, ctx=st.sampled_from([("Send til ", "."), ("e-post: ", ""), ("(", ")"), ("", " svarer ikke")]))
def test_generated_email_addresses_are_redacted(local, domain, ctx):
    address = f"{local}@{'.'.join(domain[0])}.{domain[1]}"
    text = ctx[0] + address + ctx[1]
    assert _covered(text, len(ctx[0]), len(ctx[0]) + len(address), "EMAIL"), text
    assert "@" not in RULES.redact(text).text


base9 = st.tuples(
    st.integers(1, 71), st.integers(1, 12), st.integers(0, 99), st.integers(0, 999)
).map(lambda t: f"{t[0]:02d}{t[1]:02d}{t[2]:02d}{t[3]:03d}")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(base=base9, spaced=st.booleans(), ctx=st.sampled_from([("Fnr. ", " er registrert."), ("", ""), ("Deltakeren (", ") har flyttet.")]))
def test_valid_fodselsnummer_is_redacted(base, spaced, ctx):
    number = _with_controls(base)
    if number is None:
        return
    assert is_valid_fnr(number)
    shown = f"{number[:6]} {number[6:]}" if spaced else number
    text = ctx[0] + shown + ctx[1]
    assert _covered(text, len(ctx[0]), len(ctx[0]) + len(shown), "FNR"), text


@settings(max_examples=400, deadline=None, derandomize=True)
@given(base=base9, which=st.sampled_from([9, 10]), delta=st.integers(1, 9))
def test_invalid_fodselsnummer_is_kept(base, which, delta):
    number = _with_controls(base)
    if number is None:
        number = base + "00"
    digits = list(number)
    digits[which] = str((int(digits[which]) + delta) % 10)
    wrong = "".join(digits)
    if is_valid_fnr(wrong):  # changing one control digit can never keep both valid, but be explicit
        return
    text = f"Referansenummer {wrong} i arkivet."
    assert RULES.redact(text).spans == ()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(amount=st.integers(1_000, 99_999_999), year=st.integers(1990, 2030), paragraph=st.integers(1, 60),
       day=st.integers(1, 28), month=st.integers(1, 12))
def test_amounts_dates_years_and_paragraphs_are_kept(amount, year, paragraph, day, month):
    spaced = f"{amount:,}".replace(",", " ")
    text = (f"Kommunen fikk kr {spaced} i {year}, jf. § {paragraph} i loven; frist {day:02d}.{month:02d}.{year}. "
            f"Totalt {amount} kroner.")
    assert RULES.redact(text).spans == ()
