"""Redaction of personal data: each type in its usual forms, and look-alikes that must stay."""

from __future__ import annotations

import pytest

from nlp.pipeline.spacy_pipeline import Annotation
from nlp.privacy.redactor import PLACEHOLDERS, Redaction, Redactor, Span, apply_spans
from nlp.privacy.patterns import is_valid_fnr


@pytest.fixture(scope="module")
def rules():
    return Redactor(use_ner=False)


def found(redactor: Redactor, text: str) -> list[tuple[str, str]]:
    return [(text[s.start:s.end], s.type) for s in redactor.redact(text).spans]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ta kontakt med Kari Nordmann på tlf 412 34 567.", [("Kari Nordmann", "PER"), ("412 34 567", "PHONE")]),
        ("Saksbehandler Ola Hansen hos IMDi svarer raskt.", [("Ola Hansen", "PER")]),
        ("Fru Gundersen i NAV har saka.", [("Gundersen", "PER")]),
        ("Mvh\nTrine Bakke\nflyktningtjenesten", [("Trine Bakke", "PER")]),
        ("rådgiver ahmed hassan har gjort en god jobb", [("ahmed hassan", "PER")]),
        ("Takk til Lise og Per i NAV!", [("Lise", "PER"), ("Per", "PER")]),
        ("Dette er skrevet av Heidi M. Olsen, leder.", [("Heidi M. Olsen", "PER")]),
        ("Deltakar Nour Al-Hassan fekk læreplass.", [("Nour Al-Hassan", "PER")]),
        ("Takk til Synnøve Grimstad for hjelpa.", [("Synnøve Grimstad", "PER")]),
        ("KARI NORDMANN ringte i går", [("KARI NORDMANN", "PER")]),
    ],
)
def test_names(rules, text, expected):
    assert found(rules, text) == expected


@pytest.mark.parametrize(
    "number",
    ["412 34 567", "41234567", "+47 412 34 567", "0047 41234567", "22 33 44 55", "+4792345678",
     "(+47) 22 24 16 00", "4123 4567", "412-34-567", "+47 90 12 34 56"],
)
def test_phone_forms(rules, number):
    text = f"Ring meg på {number} i morgen."
    assert found(rules, text) == [(number, "PHONE")]
    assert rules.redact(text).text == "Ring meg på [TELEFON] i morgen."


@pytest.mark.parametrize(
    "address",
    ["Storgata 12", "Kirkeveien 5B, 0368 Oslo", "Skulevegen 3, 6800 Førde", "Kongens gate 14",
     "Grønlandsleiret 31, 0190 Oslo", "Nedre Storgate 8", "Storgt. 12", "Olav Kyrres gate 9, 5014 Bergen"],
)
def test_addresses(rules, address):
    assert found(rules, f"Familien bor i {address} nå.") == [(address, "ADDRESS")]


@pytest.mark.parametrize(
    "email", ["ola.hansen@imdi.no", "Kari.Nordmann@Vefsn.kommune.no", "post.flyktning@larvik.kommune.no",
              "hansenola73@gmail.com", "kari.nordmann(at)nav.no", "tverrfaglig-team@sarpsborg.kommune.no"],
)
def test_emails(rules, email):
    assert found(rules, f"Skriv til {email}.") == [(email, "EMAIL")]


@pytest.mark.parametrize("fnr", ["15099947613", "150999 47613", "60031245780"])  # last one is a D-number
def test_fodselsnummer(rules, fnr):
    assert found(rules, f"Fnr. {fnr} er feil i NIR.") == [(fnr, "FNR")]


def test_fnr_check_digits():
    assert is_valid_fnr("15099947613")
    assert not is_valid_fnr("15099947614")
    assert not is_valid_fnr("1509994761")


@pytest.mark.parametrize(
    "text",
    [
        "Oslo kommune har bosatt flere enn anmodet i 2021.",
        "Vestland fylkeskommune og Statsforvalteren i Vestland samarbeider godt.",
        "IMDi, NAV, Bufdir, UDI, KS og Husbanken må snakke sammen.",
        "Saksnummer 20201234 er ikke behandlet.",
        "Org.nr. 974760673 må oppgis.",
        "Kommunen (org.nr. 964 965 226) fikk tilskuddet.",
        "Referansenummeret 19093786579 stemmer ikke.",
        "Vi fikk kr 1 250 000 i ekstratilskudd og 12 500 000 i investeringstilskudd.",
        "Etter § 12 i integreringsloven og § 4-2 i opplæringslova.",
        "Fristen var 12.03.2021 og møtet 15.11.2019 kl. 10.00.",
        "Vi bosatte 14 personer i 2019, 22 i 2020 og 9 i 2021.",
        "Utgiftene var 2019 2020 høyere enn tilskuddet.",
        "tlf.-tjenesten til IMDi er vanskelig å nå.",
        "Per i dag har vi ingen ledige boliger.",
        "Hans kone har ikke fått tilbud om norskopplæring.",
        "Praksisplassen 3 dager i uka var for lite.",
        "Kontonummer 1503.24.56789 for utbetaling.",
        "Nord-Fron, Sør-Fron, Gran kommune og Nordre Land kommune.",
        "Vi jobber etter Veien inn-modellen.",
        "Karl Johans gate er stengt.",
        "Kirkens Bymisjon og Røde Kors har drevet leksehjelp.",
        "Møtet var 20210312, og 113 er nødnummeret.",
        "Vi hadde møte med Arbeids- og velferdsdirektoratet.",
    ],
)
def test_look_alikes_are_kept(rules, text):
    assert rules.redact(text).spans == ()


def test_offsets_refer_to_original_and_text_is_substituted(rules):
    text = "Ring Kari Nordmann på 412 34 567 eller skriv til kari@nav.no."
    r = rules.redact(text)
    assert [text[s.start:s.end] for s in r.spans] == ["Kari Nordmann", "412 34 567", "kari@nav.no"]
    assert r.text == "Ring [NAVN] på [TELEFON] eller skriv til [E-POST]."
    assert r.text == apply_spans(text, r.spans)
    assert r.token_mask([0, 5, 10, 19], ["Ring", "Kari", "Nordmann", "på"]) == [False, True, True, False]


def test_redact_many_matches_redact(rules):
    texts = ["Hilsen Astrid Myklebust", "", "Ingen personopplysninger her.", "Mobil: +47 404 40 404"]
    assert rules.redact_many(texts) == [rules.redact(t) for t in texts]
    assert rules.redact("") == Redaction("", ())


def _annotation(text: str, ents) -> Annotation:
    words = text.split()
    idx, pos = [], 0
    for w in words:
        pos = text.index(w, pos)
        idx.append(pos)
        pos += len(w)
    return Annotation(text=text, words=tuple(words), idx=tuple(idx), lemmas=tuple(words),
                      pos=tuple("PROPN" if w[0].isupper() else "NOUN" for w in words),
                      ents=tuple(ents), sents=((0, len(text)),))


def test_ner_names_are_used_and_filtered():
    ner = Redactor(use_ner=True, nlp=object())  # annotations given: the pipeline is never run
    text = "Vi fikk hjelp av Zerihun Tesfamichael og Gran kommune."
    ents = [(17, 37, "PER"), (41, 53, "PER")]
    r = ner.redact_many([text], [_annotation(text, ents)])[0]
    assert [(text[s.start:s.end], s.type) for s in r.spans] == [("Zerihun Tesfamichael", "PER")]
    # without NER the unknown name is not found: that is what the model adds
    assert Redactor(use_ner=False).redact(text).spans == ()


@pytest.mark.parametrize(
    "text, expected",
    [
        # a lone surname at sentence start is too unsure by itself, but this text named the person
        ("Vi snakka med Kari Nordmann. Nordmann svarte raskt, og Nordmanns notat kom.",
         [("Kari Nordmann", "PER"), ("Nordmann", "PER"), ("Nordmanns", "PER")]),
        # first names that are also words and place names stay
        ("Takk til Per Hansen. Per dag får vi ti søknader. Hansen er flink.",
         [("Per Hansen", "PER"), ("Hansen", "PER")]),
        ("Trine Bakke flytta til Bergen. Bakke jobbar i Bergen kommune.",
         [("Trine Bakke", "PER"), ("Bakke", "PER")]),
        # no full name, no echo
        ("Nordmann svarte raskt.", []),
    ],
)
def test_later_mentions_of_a_named_person_are_redacted(rules, text, expected):
    assert found(rules, text) == expected


def test_ner_sentence_initial_nouns_rejected():
    ner = Redactor(use_ner=True, nlp=object())
    text = "Boligmangel er den største utfordringen. Kommunalsjef sier det samme."
    ents = [(0, 11, "PER"), (41, 53, "PER")]
    assert ner.redact(text, _annotation(text, ents)).spans == ()


def test_annotation_for_other_text_rejected():
    ner = Redactor(use_ner=True, nlp=object())
    with pytest.raises(ValueError):
        ner.redact("Hei Kari", _annotation("Hei Ola", []))


def test_placeholders_cover_all_types():
    assert set(PLACEHOLDERS) == {"PER", "PHONE", "EMAIL", "FNR", "ADDRESS"}
    assert apply_spans("ab", [Span(0, 1, "FNR")]) == "[FØDSELSNUMMER]b"


@pytest.mark.parametrize("text", [
    "Hans Nielsen Hauges gate er ikke et sted vi bruker.",  # the NER marks "Nielsen" alone
    "Karl Johans gate er stengt.",
])
def test_streets_named_after_people_are_kept_with_the_pipeline_ner(text):
    assert Redactor(use_ner=True).redact(text).spans == ()
