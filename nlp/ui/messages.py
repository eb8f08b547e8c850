"""Norwegian messages for the errors a user can cause (the engine's messages are English).

Known problems get a Norwegian sentence that says what is wrong and what to do; anything else
gets a Norwegian lead sentence, and the engine's one-line detail is shown beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.errors import FritekstError, InputError, ModelError


@dataclass(frozen=True)
class UserMessage:
    text: str           # Norwegian, shown as the error
    detail: str = ""    # the engine's own one-line message (English), shown small


_ROW = r"rows? ([\d, .()a-z]+?) \(spreadsheet rows?[;)]"

# (pattern on the engine's message, Norwegian text; {1}, {2} ... are the pattern's groups)
_KNOWN: list[tuple[str, str]] = [
    (r"unsupported file type '([^']*)'",
     "Filtypen {1} støttes ikke. Last opp en CSV-, XLSX- eller Parquet-fil."),
    (r"file not found", "Fant ikke filen."),
    (r"is a folder, not a file", "Dette er en mappe, ikke en fil."),
    (r"the file is empty", "Filen er tom."),
    (r"is a zip/Excel file, not text",
     "Filen er en Excel- eller zip-fil, men har filendelsen til en tekstfil. Lagre den som .xlsx eller "
     "eksporter den som CSV."),
    (r"is an old Excel \(\.xls\) or (?:encrypted|password-protected)",
     "Filen er en gammel Excel-fil (.xls) eller passordbeskyttet. Lagre den som .xlsx uten passord."),
    (r"is a Parquet file, not text", "Filen er en Parquet-fil. Gi den filendelsen .parquet."),
    (r"is a binary file, not CSV text", "Filen er ikke en tekstfil (CSV). Sjekk at du har valgt riktig fil."),
    (r"starts with a UTF-8 marker but is not valid UTF-8|invalid UTF-16 text",
     "Tegnkodingen i filen er ødelagt. Lagre filen på nytt som CSV (UTF-8)."),
    (r"row (\d+) \(spreadsheet row\) opens a quote",
     "Rad {1} åpner et anførselstegn (\") som aldri lukkes. Rett filen, eller lagre den på nytt fra Excel."),
    (r"row (\d+) \(spreadsheet row\) has (\d+) fields but the header has (\d+)",
     "Rad {1} har {2} felt, men overskriftsraden har {3}. Sjekk skilletegn og anførselstegn i filen."),
    (r"is not a valid Excel \.xlsx file|cannot read the Excel file",
     "Excel-filen kan ikke leses. Den kan være skadet; åpne den i Excel og lagre den på nytt."),
    (r"the workbook has no worksheets", "Excel-filen har ingen regneark."),
    (r"no sheet '([^']*)' \(sheets: ([^)]*)\)", "Fant ikke arket «{1}». Arkene i filen er: {2}."),
    (r"sheet '([^']*)' is empty", "Arket «{1}» er tomt."),
    (r"cannot read sheet '([^']*)'", "Arket «{1}» kan ikke leses."),
    (r"cannot read the Parquet file", "Parquet-filen kan ikke leses. Den kan være skadet."),
    (r"the Parquet file has no columns", "Parquet-filen har ingen kolonner."),
    (r"the header row has no column names", "Overskriftsraden har ingen kolonnenavn."),
    (r"no data rows", "Filen har bare en overskriftsrad og ingen svar."),
    (r"no column '([^']*)'", "Fant ingen kolonne som heter «{1}»."),
    (r"column name '([^']*)' is ambiguous", "Flere kolonner passer til navnet «{1}». Bruk det nøyaktige navnet."),
    (r"group column '([^']*)' clashes",
     "Gruppekolonnen «{1}» har samme navn som en resultatkolonne. Gi kolonnen et annet navn i filen."),
    (r"column '([^']*)' has no text in any of its (\d+) rows",
     "Kolonnen «{1}» har ingen tekst i noen av de {2} radene. Velg kolonnen med de åpne svarene."),
    (r"column '([^']*)' has empty ids at " + _ROW,
     "ID-kolonnen «{1}» er tom i rad {2}. Velg en annen ID-kolonne, eller ingen."),
    (r"column '([^']*)' has duplicate ids at " + _ROW,
     "ID-kolonnen «{1}» har samme ID flere ganger (rad {2}). Velg en kolonne der hver rad har sin egen ID, "
     "eller ingen."),
    (r"columns ('[^']*'(?:, '[^']*')*) have no text in any of their (\d+) rows",
     "Ingen av kolonnene {1} har tekst i noen av de {2} radene. Velg kolonnene med de åpne svarene."),
    (r"column '([^']*)' is both a text column and a group column",
     "Kolonnen «{1}» er valgt både som svarkolonne og som gruppekolonne. Velg den bare én av stedene."),
    (r"text column (.+) is given twice", "Svarkolonnen {1} er valgt to ganger."),
    # rating column (theme drivers)
    (r"rating column '([^']*)' has no numeric values",
     "Vurderingskolonnen «{1}» har ingen tall. Velg en kolonne med tall (1–5, 1–7 eller 0–10), eller ingen."),
    (r"rating column '([^']*)': values from (\S+) to (\S+) fit none of the scales",
     "Verdiene i vurderingskolonnen «{1}» går fra {2} til {3} og passer ikke med skalaene 1–5, 1–7 eller 0–10. "
     "Velg en annen kolonne, eller ingen."),
    (r"rating column '([^']*)' has no rating within ([\d.,]+-[\d.,]+)",
     "Vurderingskolonnen «{1}» har ingen verdier innenfor skalaen {2}. Velg en annen kolonne, eller ingen."),
    (r"respondent ids occur more than once",
     "Samme respondent-ID står flere ganger. Velg en ID-kolonne med én unik verdi per respondent."),
    (r"only (\d+) distinct substantive comments",
     "Det er bare {1} ulike kommentarer med innhold; minst 3 trengs for å finne temaer."),
    (r"cannot write", "Resultatet kunne ikke lagres."),
    # codebook
    (r"codebook file not found", "Fant ikke kodeboken."),
    (r"cannot read codebook", "Kodeboken kan ikke leses. Den må være en YAML-fil."),
    (r"expected a mapping with a non-empty list 'themes'",
     "Kodeboken må ha en liste «themes» med minst ett tema."),
    (r"theme (\d+) is not a mapping", "Tema nr. {1} i kodeboken har feil format."),
    (r"theme (\d+) has no 'name'", "Tema nr. {1} i kodeboken mangler «name»."),
    (r"theme id '([^']*)' appears twice", "Tema-ID-en «{1}» står to ganger i kodeboken."),
    (r"'seeds' must be a list", "«seeds» i kodeboken må være en liste."),
    (r"a new code needs a name", "Den nye koden trenger et navn."),
    (r"code '([^']*)' needs a description or seed words",
     "Koden «{1}» trenger en beskrivelse eller stikkord, ellers kan den ikke kjennes igjen."),
    (r"the codebook already has a code named '([^']*)'", "Kodeboken har allerede en kode som heter «{1}»."),
    (r"a theme is split into at least two codes", "Fyll inn minst to nye koder for å dele opp temaet."),
    (r"code '([^']*)' splits '([^']*)', which is not a theme of the model",
     "Koden «{1}» skal dele opp «{2}», men kjøringen har ikke noe slikt tema."),
    (r"a codebook cannot be edited for themes fitted per question",
     "Kodeboken kan ikke endres for kjøringer med egne temaer per spørsmål ennå."),
    (r"no comment is left with a theme", "Etter endringen ville ingen kommentar ha et tema. Endringen er ikke gjort."),
    # upload limits (nlp.ui.uploads)
    (r"the file is ([\d ,]+) MB; the limit is ([\d ,]+) MB",
     "Filen er for stor: {1} MB. Grensen er {2} MB. Del filen opp, eller be den som drifter verktøyet om å "
     "heve grensen."),
    (r"the file has ([\d ]+) rows; the limit is ([\d ]+) rows",
     "Filen har for mange rader: {1}. Grensen er {2}. Del filen opp, eller be den som drifter verktøyet om å "
     "heve grensen."),
    # saved runs and models
    (r"is outside the runs folder",
     "Kjøringen ligger utenfor mappen for lagrede kjøringer, og kan ikke åpnes eller endres her."),
    (r"run folder not found", "Fant ikke kjøringen. Den kan være slettet eller flyttet."),
    (r"not an analyze output folder \(([^)]*) is missing\)",
     "Mappen er ikke en lagret kjøring fra fritekst (mangler {1})."),
    (r"model was made by fritekst",
     "Kjøringen er laget med en annen versjon av fritekst. Kjør analysen på nytt."),
    (r"model is damaged", "Modellen i kjøringen er skadet eller endret. Kjør analysen på nytt."),
    (r"model folder not found", "Fant ikke modellmappen i kjøringen."),
    (r"model was fitted with encoder", "Modellen ble laget med en annen tekstmodell (encoder)."),
    (r"no comment was given another theme",
     "Ingen kommentarer har fått et annet tema ennå (flyttet, eller temaet fjernet), så modellen har ingenting å "
     "lære av."),
    (r"corrections are not supported for themes fitted per question",
     "Modeller med egne temaer per spørsmål kan ikke lære av rettinger ennå."),
    (r"no sentiment model in", "Sentimentmodellen mangler i installasjonen. Be den som drifter verktøyet om å "
                               "installere eller trene den."),
]
_COMPILED = [(re.compile(p), t) for p, t in _KNOWN]

_LEADS = {
    InputError: "Filen kunne ikke brukes.",
    ModelError: "Modellen kunne ikke brukes.",
}


def user_message(exc: BaseException) -> UserMessage:
    """A Norwegian message for an engine error; never a traceback."""
    detail = " ".join(str(exc).split())
    for pattern, template in _COMPILED:
        m = pattern.search(detail)
        if m:
            text = template
            for i, group in enumerate(m.groups(), start=1):
                text = text.replace(f"{{{i}}}", (group or "").strip())
            return UserMessage(text, detail)
    if isinstance(exc, FritekstError):
        lead = next((v for k, v in _LEADS.items() if isinstance(exc, k)), "Noe er galt med inndataene.")
        return UserMessage(lead, detail)
    return UserMessage("Noe gikk galt under behandlingen. Prøv igjen, eller kontakt den som drifter verktøyet.",
                       f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__)
