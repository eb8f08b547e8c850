"""Cleaning: normalisation, non-answers (Bokmål and Nynorsk), duplicates, written variety."""

from __future__ import annotations

import json
import math

import pytest

from nlp.clean import (
    Cleaned, clean, detect_variety, is_nonanswer, is_stock_nonanswer, normalize,
)
from nlp.clean.nonanswer import phrase_key
from nlp.clean.nonanswer_model import MODEL_PATH, load_model

# ----------------------------------------------------------------- normalize


def test_normalize_nfc_and_whitespace():
    decomposed = "Be\u0301rum og A\u030alesund"  # é and Å as base letter + combining mark
    assert normalize(decomposed) == "Bérum og Ålesund"
    assert normalize("  Linje én\r\n\tlinje\u00a0to\u2028tre\u2003 ") == "Linje én linje to tre"


def test_normalize_removes_invisible_characters():
    text = "\ufeffsam\u200barbeid\u00ad med\u200d IMDi\x07\u200e"
    assert normalize(text) == "samarbeid med IMDi"


def test_normalize_excel_escapes_and_missing_values():
    assert normalize("første_x000D_\nandre") == "første andre"
    assert normalize(None) == ""  # type: ignore[arg-type]
    assert normalize(math.nan) == ""  # type: ignore[arg-type]
    assert normalize("") == ""


def test_normalize_is_idempotent():
    for text in ["  A\u030a  b\n\nc ", "x\u200by", "Æ Ø Å"]:
        once = normalize(text)
        assert normalize(once) == once


# --------------------------------------------------------------- non-answers

NONANSWERS = [
    # empty and punctuation
    "", " ", "\n", "-", "--", ".", "...", "x", "xx", "XXX", "/", "?", "-- ingen --", "0",
    # Bokmål
    "Nei", "nei.", "NEI!", "Nei takk", "nei, takk", "Nei, ikke nå", "Nei ikke foreløpig",
    "Ingen", "Ingen.", "Ingen kommentar", "Ingen kommentarer", "Ingen merknad",
    "Ingen merknader", "Ingenting", "Ingenting å tilføye", "Ikke noe å tilføye",
    "Har ingen kommentarer", "Vi har ingen ytterligere kommentarer.",
    "Jeg har ikke noe mer å tilføye.", "Ingen kommentarer til dette spørsmålet",
    "Ingen spesielle kommentarer", "Ikke noe spesielt", "Ikke noe spesielt å melde",
    "Vet ikke", "vet ikke helt", "Usikker", "Ikke aktuelt", "Ikke relevant",
    "Ikke aktuelt for vår kommune", "Gjelder ikke oss", "N/A", "NA", "n.a.", "Se over",
    "Som over", "Se svar over", "Samme som over", "Som nevnt tidligere",
    "Nei, ikke utover det som er nevnt", "Nei, ikke utover det som er nevnt over.",
    "Nei takk, ingen kommentarer fra meg.", "Nei, ikke som jeg kommer på",
    "Nei, det har vi ikke", "Nei, egentlig ikke.", "Ingen innspill", "Nei, ingen",
    "Kommer ikke på noe", "Ingen flere kommentarer. Takk for meg!", "Vanskelig å si",
    "Takk", "Nei, ikke noe mer å si.", "Det er ingenting å tilføye her",
    "Ok, ingen kommentarer", "Kommentar: ingen", "ikke noe å legge til",
    # Nynorsk
    "Ingen kommentarar", "Ingen merknadar", "Ikkje noko å tilføye", "Ikkje noko å tilføye.",
    "Ikkje noko meir å seie", "Eg har ikkje noko å leggje til", "Veit ikkje", "Veit ikke",
    "Ikkje aktuelt", "Ikkje relevant", "Sjå over", "Same som over", "Nei, ikkje no",
    "Nei, ikkje utover det som er nemnt", "Nei, ikkje utover det som er nemnt over.",
    "Ikkje noko spesielt", "Har ingen innspel", "Kjem ikkje på noko", "Ingenting meir å leggje til",
    "Me har ingen fleire kommentarar", "Gjeld ikkje oss", "Nei takk, ingen kommentarar frå meg",
    "Nei, eigentleg ikkje", "Vanskeleg å seie", "Ikkje noko å melde frå vår side",
    "Nei, ikkje som eg kjem på", "Sjå tidlegare svar", "Ikkje for augneblinken",
    "Har ikkje grunnlag for å svare", "Det er ikkje aktuelt for oss",
    # several stock phrases in a row, pointers to other answers, common typos
    "Vet ikke / usikker", "Nei. Ingen kommentarer. Takk.", "Se kommentar til kvalifisering.",
    "Sjå svaret mitt under spørsmål 3", "Ingen komentar", "Ingen kommetarer", "ingen kommentaer",
    "Ikke noe å tilfoye", "Har ikke noe å tilføye utover det som allerede er svart.",
    "Vi har ikke grunnlag for å svare på dette", "Har ikke oversikt over dette",
    "Ikke kjent med dette", "Jeg vet ikke",
]

SUBSTANTIVE = [
    # starting with "Nei" / "Ingen" / "Ikke noe" but saying something
    "Nei, samarbeidet har vært dårlig", "Nei, vi har ikke fått nok tilskudd",
    "Nei, kommunen har ikkje fått busette flyktningar", "Nei. IMDi svarer for sent.",
    "Ingen tilbud om norskopplæring", "Ingen kontakt med IMDi", "Ingen problemer",
    "Ingen endringer i år", "Ikke noe samarbeid med fylkeskommunen",
    "Ikkje noko samarbeid med fylkeskommunen", "Ikke noe å klage på",
    "Ingen kommentar til IMDi sin rolle, men fylket må på banen",
    "Vet ikke hvordan vi skal få til dette uten mer midler",
    "Veit ikkje korleis vi skal klare dette", "Usikker økonomi gjør planlegging vanskelig",
    "Ikke aktuelt å bosette flere før boligsituasjonen er løst",
    "Se til Danmark, der fungerer det bedre", "Som over, men mer kontakt med fylket",
    # short evaluations are answers, not non-answers (documented choice)
    "Ok", "OK.", "Greit", "Bra", "Fungerer bra.", "Veldig bra samarbeid", "Dårlig",
    "Nei!! Dette er helt uholdbart", "Ikkje nok tilskot", "Mykje betre enn før",
    "Tilskuddet er for lavt", "Vi treng meir tid", "Korona", "NAV", "2020",
    "Nei, ikke nå lenger, etter at kontaktpersonen sluttet",
    # near-misses of the typo tolerance and the pointer rule
    "Ingen kommuner", "Ingen kommunikasjon", "Ingen merkbar endring", "Ingen kommentar fra IMDi",
    "Se kommentar til kvalifisering, i tillegg trenger vi flere praksisplasser hos NAV",
    "Har ikke grunnlag for å bosette flere", "Kjenner ikke til at IMDi har gitt slik veiledning",
]


@pytest.mark.parametrize("text", NONANSWERS)
def test_nonanswers(text):
    assert is_nonanswer(normalize(text)), text


@pytest.mark.parametrize("text", SUBSTANTIVE)
def test_substantive_answers(text):
    assert not is_nonanswer(normalize(text)), text


def test_long_texts_are_never_nonanswers_and_do_not_blow_up():
    assert not is_nonanswer("nei " * 40)
    assert is_nonanswer("nei " * 20)
    # many ways to split the trailing words; must stay fast and correct
    assert not is_nonanswer("ingen " + "ikke nå " * 11 + "samarbeid")


# ------------------------------------------------ non-answers: the learned model

#: non-answers the stock phrases do not know; the model (nlp/resources/nonanswer_model.json)
#: catches them by their shape
LEARNED_NONANSWERS = [
    "Har ikke nok kunnskap om området til å svare", "Kjenner ikkje godt nok til dette.",
    "Dette må kommunalsjefen svare på", "Har ikke satt meg godt nok inn i dette",
    "Se det jeg skrev om tilskudd lenger opp", "Det får rektor svare på.",
    "Har ikkje peiling på dette feltet", "Jeg er for ny i jobben til å svare",
    "Samme svar som på spørsmålet om tilskudd",
]
#: the same frames with content stay answers
LEARNED_ANSWERS = [
    "Vet ikke hvordan vi skal få nok praksisplasser", "Ingen tolk tilgjengelig på skolen",
    "Har ikke nok boliger til alle", "Nei, IMDi svarer sjelden på e-post",
    "Takk for godt samarbeid med regionkontoret", "Se til Trondheim, de har fått det til",
    "Ikkje nok lærarar med morsmålskompetanse", "Vanskelig å skaffe praksisplasser i privat sektor",
    "Som nevnt mangler vi boliger", "Kjenner ikke til at fylket har noe slikt tilbud",
]
#: what spreadsheets and data frames leave in empty cells
MISSING_VALUES = ["NaN", "nan", "N/A", "#N/A", "null", "NULL", "None", "#VERDI!", "#I/T",
                  "#DIV/0!", "#NAVN?", "#VALUE!", "undefined"]


@pytest.mark.parametrize("text", LEARNED_NONANSWERS)
def test_learned_nonanswers(text):
    assert not is_stock_nonanswer(normalize(text)), "a stock phrase now: pick a new example"
    assert is_nonanswer(normalize(text)), text
    assert clean([text]).is_nonanswer == [True]


@pytest.mark.parametrize("text", LEARNED_ANSWERS)
def test_learned_model_keeps_answers(text):
    assert not is_nonanswer(normalize(text)), text


@pytest.mark.parametrize("text", MISSING_VALUES)
def test_missing_value_text_is_a_nonanswer(text):
    assert is_stock_nonanswer(text), text
    assert clean([text]).is_nonanswer == [True]


def test_hashtag_is_not_a_missing_value():
    assert not is_nonanswer("#metoo")


def test_nonanswer_model_is_plain_json_and_sees_only_short_texts():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["format"] == "fritekst-nonanswer-logreg/1"
    assert 0 < data["threshold"] < 1 and data["min_words"] == 2
    model = load_model()
    assert model.min_words == 2 and model.max_words == data["max_words"]
    assert not model.is_nonanswer([])
    assert not model.is_nonanswer(["usikker"])  # one word: left to the rules
    assert not model.is_nonanswer(["vet", "ikke"] * model.max_words)  # too long
    assert model.is_nonanswer(phrase_key("Har ikke satt meg godt nok inn i dette").split())
    # a bare "ok" / "greit" / "bra" stays a (weak) answer, whatever the model says
    assert not is_nonanswer("Greit!") and not is_nonanswer("OK")


@pytest.mark.slow
def test_nonanswer_training_is_deterministic(tmp_path):
    from training.nonanswer import main
    from training.sentiment_data import DEFAULT_DATA

    if not (DEFAULT_DATA / "norec_sentence").is_dir():
        pytest.skip(f"{DEFAULT_DATA}/norec_sentence is needed to retrain")

    out = tmp_path / "model.json"
    assert main(["--out", str(out)]) == 0
    assert out.read_bytes() == MODEL_PATH.read_bytes(), "retrain: python -m training.nonanswer"


# ---------------------------------------------------------------- duplicates


def test_duplicates_flag_later_copies_only():
    texts = [
        "Bra samarbeid",
        "bra  samarbeid",  # same after normalisation, case-insensitive
        "Nei",
        "nei",  # non-answers are never duplicates
        "Bra samarbeid!",  # punctuation differs: not an exact duplicate
        "BRA SAMARBEID",
        "",
        "",
    ]
    result = clean(texts)
    assert isinstance(result, Cleaned)
    assert result.is_duplicate == [False, True, False, False, False, True, False, False]
    assert result.is_nonanswer == [False, False, True, True, False, False, True, True]
    assert result.text[1] == "bra samarbeid"
    assert len(result.text) == len(result.variety) == len(texts)


def test_clean_keeps_order_and_length():
    texts = [f"svar nummer {i}" for i in range(100)]
    result = clean(texts)
    assert result.text == texts
    assert not any(result.is_duplicate)
    assert clean([]) == Cleaned([], [], [], [])


# ------------------------------------------------------------------- variety

NYNORSK = [
    "Eg synest samarbeidet med IMDi har vore godt, men vi treng meir tid.",
    "Kommunen har ikkje fått nok tilskot til å gje eit godt tilbod.",
    "Kva skal vi gjere når flyktningane ikkje får jobb?",
    "Det er vanskeleg å seie korleis dette vil gå.",
    "Dei tilsette i flyktningtenesta gjer ein god jobb.",
    "Me har hatt fleire møte saman med fylkeskommunen.",
    "Berre positive erfaringar så langt, òg med NAV.",
    "Utfordringane er mange, særleg når det gjeld bustader.",
    "Ikkje noko å tilføye",
    "Veit ikkje",
    "For lite ressursar til elevar med lærevanskar.",
    "Integreringstilskotet vert nytta til lønn og bustader.",
    "Ingen merknadar",
]
BOKMAL = [
    "Jeg synes samarbeidet med IMDi har vært godt, men vi trenger mer tid.",
    "Kommunen har ikke fått nok tilskudd til å gi et godt tilbud.",
    "Hva skal vi gjøre når flyktningene ikke får jobb?",
    "Det er vanskelig å si hvordan dette vil gå.",
    "De ansatte i flyktningtjenesten gjør en god jobb.",
    "Vi har hatt flere møter sammen med fylkeskommunen.",
    "Bare positive erfaringer så langt, også med NAV.",
    "Utfordringene er mange, særlig når det gjelder boliger.",
    "Ikke noe å tilføye",
    "Vet ikke",
    "Kontakt: ola.nordmann@kommune.no",
    "For lite ressurser til elever med lærevansker.",
    "Integreringstilskuddet brukes til lønn og boliger.",
    "Vi deltar i nettverket, og ansvar for kommentar og seminar ligger hos oss.",
]


@pytest.mark.parametrize("text", NYNORSK)
def test_nynorsk_detected(text):
    assert detect_variety(text) == "nn"


@pytest.mark.parametrize("text", BOKMAL)
def test_bokmal_detected(text):
    assert detect_variety(text) == "nb"


@pytest.mark.parametrize("text", ["", "Bra.", "IMDi", "2020", "Samarbeid med NAV"])
def test_no_evidence_defaults_to_bokmal(text):
    assert detect_variety(text) == "nb"


def test_clean_reports_variety():
    assert clean(["Eg veit ikkje", "Jeg vet ikke", "-"]).variety == ["nn", "nb", "nb"]
