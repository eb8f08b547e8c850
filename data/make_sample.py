"""Assemble the synthetic kommuneundersøkelse sample (2019-2021) from the hand-written pools.

Why: fritekst needs a realistic export to demo and test on, without real survey data. The
comments are written by hand in ``data/source/<theme>.jsonl`` (one object per line: text, theme,
sentiment, variety, question, roles, years); this script only places them in survey rounds,
real municipalities and respondent roles, adds the exact duplicates real exports have, and writes

  data/kommuneundersokelse_2019_2021.csv        the export analysts get (';', UTF-8 with BOM)
  data/kommuneundersokelse_2019_2021_fasit.csv  the gold labels (',', UTF-8)

Deterministic: same pools and seed give byte-identical files. Stdlib + pandas only.

Usage: python data/make_sample.py [--seed 2021] [--min-rows 1500] [--out-dir data]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE / "source"
CODEBOOK = HERE / "codebook.yaml"
EXPORT_NAME = "kommuneundersokelse_2019_2021.csv"
GOLD_NAME = "kommuneundersokelse_2019_2021_fasit.csv"

YEARS = (2019, 2020, 2021)
QUESTIONS = {  # id -> full text, in questionnaire order
    "Q_IMDI": "Har du kommentarer til samarbeidet med IMDi?",
    "Q_FYLKE": "Hvordan opplever kommunen samarbeidet med fylkeskommunen på integreringsfeltet?",
    "Q_KVAL": "Har du kommentarer til arbeidet med kvalifisering og arbeid?",
    "Q_NORSK": "Har du kommentarer til opplæringen i norsk og samfunnskunnskap?",
    "Q_TILSKUDD": "Har du kommentarer til tilskuddsordningene?",
    "Q_NSK": "Hva trenger kommunen for å styrke arbeidet mot negativ sosial kontroll?",
    "Q_PANDEMI": "Hvordan har koronapandemien påvirket integreringsarbeidet?",
    "Q_LOV": "Har du kommentarer til den nye integreringsloven?",
    "Q_BOSETTING": "Har du kommentarer til bosetting av flyktninger?",
    "Q_ANNET": "Har du andre kommentarer?",
}
QUESTION_YEARS = {"Q_PANDEMI": {2020, 2021}, "Q_LOV": {2020, 2021}}  # others: every round
ROLES = ("Kommunedirektør", "Leder for introduksjonsprogrammet", "Rektor")
SENTIMENTS = ("positive", "negative", "neutral", "mixed")
VARIETIES = ("nb", "nn")
NON_ANSWER = "ikke_svar"
FIELDS = {"text", "theme", "sentiment", "variety", "question", "roles", "years"}

DUPLICATE_SHARE = 0.025  # share of rows that are exact copies of short common answers
DUPLICATE_MAX_WORDS = 3
SIZE_WEIGHT = {"S": 1.0, "M": 1.6, "L": 2.4, "XL": 3.5}  # larger municipalities say more
NB_IN_NN_MUNICIPALITY = 0.15
YEAR_BALANCE = 60  # smoothing for the round-size balancing (see Placer.per_year)  # some respondents in Nynorsk municipalities write Bokmål


@dataclass(frozen=True)
class Municipality:
    """A real municipality with its number and county before (2019) and after (2020-) the reform."""

    name: str
    nr_2019: str
    county_2019: str
    nr_2020: str
    county_2020: str
    size: str  # S < 5 000, M 5-20 000, L 20-100 000, XL > 100 000 inhabitants (approx.)
    nynorsk: bool = False  # administrative language Nynorsk

    def nr(self, year: int) -> str:
        return self.nr_2019 if year < 2020 else self.nr_2020

    def county(self, year: int) -> str:
        return self.county_2019 if year < 2020 else self.county_2020


def _m(name, nr19, c19, nr20, c20, size, nn=False):
    return Municipality(name, nr19, c19, nr20, c20, size, nn)


# Municipalities that settle refugees. Municipalities whose territory or number changed in the
# 2020 reform are either left out or given both numbers (Sandnes, Voss, Sogndal, Volda, Molde:
# same name, new number after a merger; Stavanger kept 1103). Counties: common short names.
MUNICIPALITIES = [
    _m("Oslo", "0301", "Oslo", "0301", "Oslo", "XL"),
    # Viken (from Østfold, Akershus, Buskerud, Oppland)
    _m("Halden", "0101", "Østfold", "3001", "Viken", "L"),
    _m("Sarpsborg", "0105", "Østfold", "3003", "Viken", "L"),
    _m("Fredrikstad", "0106", "Østfold", "3004", "Viken", "L"),
    _m("Hvaler", "0111", "Østfold", "3011", "Viken", "S"),
    _m("Rakkestad", "0128", "Østfold", "3016", "Viken", "M"),
    _m("Vestby", "0211", "Akershus", "3019", "Viken", "M"),
    _m("Bærum", "0219", "Akershus", "3024", "Viken", "XL"),
    _m("Lørenskog", "0230", "Akershus", "3029", "Viken", "L"),
    _m("Ullensaker", "0235", "Akershus", "3033", "Viken", "L"),
    _m("Eidsvoll", "0237", "Akershus", "3035", "Viken", "L"),
    _m("Hurdal", "0239", "Akershus", "3037", "Viken", "S"),
    _m("Kongsberg", "0604", "Buskerud", "3006", "Viken", "L"),
    _m("Ringerike", "0605", "Buskerud", "3007", "Viken", "L"),
    _m("Modum", "0623", "Buskerud", "3047", "Viken", "M"),
    _m("Jevnaker", "0532", "Oppland", "3053", "Viken", "M"),
    # Innlandet (from Hedmark, Oppland)
    _m("Kongsvinger", "0402", "Hedmark", "3401", "Innlandet", "L"),
    _m("Hamar", "0403", "Hedmark", "3403", "Innlandet", "L"),
    _m("Ringsaker", "0412", "Hedmark", "3411", "Innlandet", "L"),
    _m("Elverum", "0427", "Hedmark", "3420", "Innlandet", "L"),
    _m("Trysil", "0428", "Hedmark", "3421", "Innlandet", "M"),
    _m("Tynset", "0437", "Hedmark", "3427", "Innlandet", "M"),
    _m("Lillehammer", "0501", "Oppland", "3405", "Innlandet", "L"),
    _m("Gjøvik", "0502", "Oppland", "3407", "Innlandet", "L"),
    _m("Skjåk", "0513", "Oppland", "3433", "Innlandet", "S", nn=True),
    _m("Lom", "0514", "Oppland", "3434", "Innlandet", "S", nn=True),
    _m("Vågå", "0515", "Oppland", "3435", "Innlandet", "S", nn=True),
    _m("Nord-Aurdal", "0542", "Oppland", "3451", "Innlandet", "M", nn=True),
    _m("Vestre Slidre", "0543", "Oppland", "3452", "Innlandet", "S", nn=True),
    _m("Øystre Slidre", "0544", "Oppland", "3453", "Innlandet", "S", nn=True),
    _m("Vang", "0545", "Oppland", "3454", "Innlandet", "S", nn=True),
    # Vestfold og Telemark
    _m("Horten", "0701", "Vestfold", "3801", "Vestfold og Telemark", "L"),
    _m("Sandefjord", "0710", "Vestfold", "3804", "Vestfold og Telemark", "L"),
    _m("Larvik", "0712", "Vestfold", "3805", "Vestfold og Telemark", "L"),
    _m("Porsgrunn", "0805", "Telemark", "3806", "Vestfold og Telemark", "L"),
    _m("Skien", "0806", "Telemark", "3807", "Vestfold og Telemark", "L"),
    _m("Notodden", "0807", "Telemark", "3808", "Vestfold og Telemark", "M"),
    _m("Kragerø", "0815", "Telemark", "3814", "Vestfold og Telemark", "M"),
    _m("Hjartdal", "0827", "Telemark", "3819", "Vestfold og Telemark", "S", nn=True),
    _m("Seljord", "0828", "Telemark", "3820", "Vestfold og Telemark", "S", nn=True),
    _m("Kviteseid", "0829", "Telemark", "3821", "Vestfold og Telemark", "S", nn=True),
    _m("Fyresdal", "0831", "Telemark", "3823", "Vestfold og Telemark", "S", nn=True),
    _m("Tokke", "0833", "Telemark", "3824", "Vestfold og Telemark", "S", nn=True),
    _m("Vinje", "0834", "Telemark", "3825", "Vestfold og Telemark", "S", nn=True),
    # Agder (from Aust-Agder, Vest-Agder)
    _m("Risør", "0901", "Aust-Agder", "4201", "Agder", "M"),
    _m("Grimstad", "0904", "Aust-Agder", "4202", "Agder", "L"),
    _m("Arendal", "0906", "Aust-Agder", "4203", "Agder", "L"),
    _m("Bygland", "0938", "Aust-Agder", "4220", "Agder", "S", nn=True),
    _m("Valle", "0940", "Aust-Agder", "4221", "Agder", "S", nn=True),
    _m("Farsund", "1003", "Vest-Agder", "4206", "Agder", "M"),
    _m("Flekkefjord", "1004", "Vest-Agder", "4207", "Agder", "M"),
    _m("Vennesla", "1014", "Vest-Agder", "4223", "Agder", "M"),
    _m("Åseral", "1026", "Vest-Agder", "4224", "Agder", "S", nn=True),
    _m("Hægebostad", "1034", "Vest-Agder", "4226", "Agder", "S", nn=True),
    # Rogaland
    _m("Eigersund", "1101", "Rogaland", "1101", "Rogaland", "M"),
    _m("Sandnes", "1102", "Rogaland", "1108", "Rogaland", "L"),
    _m("Stavanger", "1103", "Rogaland", "1103", "Rogaland", "XL"),
    _m("Haugesund", "1106", "Rogaland", "1106", "Rogaland", "L"),
    _m("Hå", "1119", "Rogaland", "1119", "Rogaland", "M", nn=True),
    _m("Time", "1121", "Rogaland", "1121", "Rogaland", "M", nn=True),
    _m("Hjelmeland", "1133", "Rogaland", "1133", "Rogaland", "S", nn=True),
    _m("Suldal", "1134", "Rogaland", "1134", "Rogaland", "S", nn=True),
    _m("Karmøy", "1149", "Rogaland", "1149", "Rogaland", "L"),
    _m("Vindafjord", "1160", "Rogaland", "1160", "Rogaland", "M", nn=True),
    # Vestland (from Hordaland, Sogn og Fjordane)
    _m("Bergen", "1201", "Hordaland", "4601", "Vestland", "XL"),
    _m("Etne", "1211", "Hordaland", "4611", "Vestland", "S", nn=True),
    _m("Bømlo", "1219", "Hordaland", "4613", "Vestland", "M", nn=True),
    _m("Stord", "1221", "Hordaland", "4614", "Vestland", "L", nn=True),
    _m("Kvinnherad", "1224", "Hordaland", "4617", "Vestland", "M", nn=True),
    _m("Voss", "1235", "Hordaland", "4621", "Vestland", "M", nn=True),
    _m("Kvam", "1238", "Hordaland", "4622", "Vestland", "M", nn=True),
    _m("Austevoll", "1244", "Hordaland", "4625", "Vestland", "S", nn=True),
    _m("Askøy", "1247", "Hordaland", "4627", "Vestland", "L"),
    _m("Osterøy", "1253", "Hordaland", "4630", "Vestland", "M", nn=True),
    _m("Høyanger", "1416", "Sogn og Fjordane", "4638", "Vestland", "S", nn=True),
    _m("Sogndal", "1420", "Sogn og Fjordane", "4640", "Vestland", "M", nn=True),
    _m("Årdal", "1424", "Sogn og Fjordane", "4643", "Vestland", "M", nn=True),
    _m("Luster", "1426", "Sogn og Fjordane", "4644", "Vestland", "M", nn=True),
    _m("Fjaler", "1429", "Sogn og Fjordane", "4646", "Vestland", "S", nn=True),
    _m("Gloppen", "1445", "Sogn og Fjordane", "4650", "Vestland", "M", nn=True),
    _m("Stryn", "1449", "Sogn og Fjordane", "4651", "Vestland", "M", nn=True),
    # Møre og Romsdal
    _m("Molde", "1502", "Møre og Romsdal", "1506", "Møre og Romsdal", "L"),
    _m("Kristiansund", "1505", "Møre og Romsdal", "1505", "Møre og Romsdal", "L"),
    _m("Vanylven", "1511", "Møre og Romsdal", "1511", "Møre og Romsdal", "S", nn=True),
    _m("Herøy (Møre og Romsdal)", "1515", "Møre og Romsdal", "1515", "Møre og Romsdal", "M", nn=True),
    _m("Ulstein", "1516", "Møre og Romsdal", "1516", "Møre og Romsdal", "M", nn=True),
    _m("Hareid", "1517", "Møre og Romsdal", "1517", "Møre og Romsdal", "S", nn=True),
    _m("Volda", "1519", "Møre og Romsdal", "1577", "Møre og Romsdal", "M", nn=True),
    _m("Ørsta", "1520", "Møre og Romsdal", "1520", "Møre og Romsdal", "M", nn=True),
    _m("Stranda", "1525", "Møre og Romsdal", "1525", "Møre og Romsdal", "S", nn=True),
    _m("Sykkylven", "1528", "Møre og Romsdal", "1528", "Møre og Romsdal", "M", nn=True),
    _m("Rauma", "1539", "Møre og Romsdal", "1539", "Møre og Romsdal", "M"),
    _m("Sunndal", "1563", "Møre og Romsdal", "1563", "Møre og Romsdal", "M", nn=True),
    # Nordland
    _m("Bodø", "1804", "Nordland", "1804", "Nordland", "L"),
    _m("Alstahaug", "1820", "Nordland", "1820", "Nordland", "M"),
    _m("Vefsn", "1824", "Nordland", "1824", "Nordland", "M"),
    _m("Rana", "1833", "Nordland", "1833", "Nordland", "L"),
    _m("Meløy", "1837", "Nordland", "1837", "Nordland", "M"),
    _m("Fauske", "1841", "Nordland", "1841", "Nordland", "M"),
    _m("Vågan", "1865", "Nordland", "1865", "Nordland", "M"),
    _m("Sortland", "1870", "Nordland", "1870", "Nordland", "M"),
    # Troms og Finnmark (from Troms, Finnmark)
    _m("Tromsø", "1902", "Troms", "5401", "Troms og Finnmark", "L"),
    _m("Harstad", "1903", "Troms", "5402", "Troms og Finnmark", "L"),
    _m("Målselv", "1924", "Troms", "5418", "Troms og Finnmark", "M"),
    _m("Nordreisa", "1942", "Troms", "5428", "Troms og Finnmark", "S"),
    _m("Vadsø", "2003", "Finnmark", "5405", "Troms og Finnmark", "M"),
    _m("Alta", "2012", "Finnmark", "5403", "Troms og Finnmark", "L"),
    _m("Sør-Varanger", "2030", "Finnmark", "5444", "Troms og Finnmark", "M"),
    # Trøndelag
    _m("Trondheim", "5001", "Trøndelag", "5001", "Trøndelag", "XL"),
    _m("Frøya", "5014", "Trøndelag", "5014", "Trøndelag", "S"),
    _m("Oppdal", "5021", "Trøndelag", "5021", "Trøndelag", "M"),
    _m("Røros", "5025", "Trøndelag", "5025", "Trøndelag", "M"),
    _m("Melhus", "5028", "Trøndelag", "5028", "Trøndelag", "L"),
    _m("Stjørdal", "5035", "Trøndelag", "5035", "Trøndelag", "L"),
    _m("Levanger", "5037", "Trøndelag", "5037", "Trøndelag", "L"),
    _m("Verdal", "5038", "Trøndelag", "5038", "Trøndelag", "M"),
]

# IMDi's regional offices at the time, by pre-2020 county.
_IMDI_REGIONS = {
    "IMDi Øst": {"Oslo", "Akershus", "Østfold"},
    "IMDi Indre Øst": {"Hedmark", "Oppland"},
    "IMDi Sør": {"Buskerud", "Vestfold", "Telemark", "Aust-Agder", "Vest-Agder"},
    "IMDi Vest": {"Rogaland", "Hordaland", "Sogn og Fjordane"},
    "IMDi Midt-Norge": {"Trøndelag", "Møre og Romsdal"},
    "IMDi Nord": {"Nordland", "Troms", "Finnmark"},
}
_COUNTY_NAMES = [  # regex for a county named in a comment -> counties (either era) that fit
    (r"Vestfold og Telemark", {"Vestfold og Telemark"}),
    (r"Troms og Finnmark", {"Troms og Finnmark"}),
    (r"Møre og Romsdal", {"Møre og Romsdal"}),
    (r"Sogn og Fjordane", {"Sogn og Fjordane"}),
    (r"\bVestland", {"Vestland"}),
    (r"\bViken", {"Viken"}),
    (r"\bInnlandet", {"Innlandet"}),
    (r"(?<![-\w])Agder", {"Agder"}),
    (r"\bRogaland", {"Rogaland"}),
    (r"\bNordland", {"Nordland"}),
    (r"\bTrøndelag", {"Trøndelag"}),
    (r"\bHordaland", {"Hordaland"}),
    (r"\bBuskerud", {"Buskerud"}),
    (r"\bØstfold", {"Østfold"}),
    (r"\bAkershus", {"Akershus"}),
    (r"\bHedmark", {"Hedmark"}),
    (r"\bOppland", {"Oppland"}),
    (r"\bVestfold\b(?! og)", {"Vestfold"}),
    (r"(?<!og )\bTelemark", {"Telemark"}),
    (r"\bTroms\b(?! og)", {"Troms"}),
    (r"(?<!og )\bFinnmark", {"Finnmark"}),
]
_SMALL = re.compile(
    r"\b(liten|lita|ein liten|en liten)\s+(distrikts)?kommune|distriktskommune|små kommun|"
    r"utkant|distrikta",
    re.IGNORECASE,
)


def place_filter(text: str, theme: str, question: str):
    """Why: a comment naming a county, an IMDi region or 'a small municipality' must be placed
    where that is true. Returns a predicate on Municipality."""
    counties: set[str] | None = None
    for region, region_counties in _IMDI_REGIONS.items():
        if re.search(re.escape(region) + r"\b", text):
            counties = set(region_counties)
    for pattern, names in _COUNTY_NAMES:
        if re.search(pattern, text):
            counties = names if counties is None else counties | names
    small = bool(_SMALL.search(text))
    not_city = bool(re.search(r"\b(Oslo|Bergen)\b|de store byane|de store byene", text))
    no_oslo = theme == "fylkeskommune" or question == "Q_FYLKE"  # Oslo is its own county

    def ok(m: Municipality) -> bool:
        if counties is not None and not ({m.county_2019, m.county_2020} & counties):
            return False
        if small and m.size not in ("S", "M"):
            return False
        if not_city and m.size == "XL":
            return False
        return not (no_oslo and m.name == "Oslo")

    return ok


@dataclass
class Entry:
    text: str
    theme: str
    sentiment: str
    variety: str
    question: str
    roles: list[str]
    years: list[int]
    source: str = field(default="", compare=False)


def theme_ids(codebook: Path = CODEBOOK) -> set[str]:
    """Theme ids from the codebook (parsed with a regex: the format is fixed, no yaml needed)."""
    return set(re.findall(r"^\s*-\s*id:\s*(\w+)\s*$", codebook.read_text(encoding="utf-8"), re.M))


def load_pools(source_dir: Path = SOURCE_DIR) -> list[Entry]:
    """Read and validate every pool; fail loudly on any malformed line."""
    themes = theme_ids() | {NON_ANSWER}
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for path in sorted(source_dir.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            obj = json.loads(line)
            if set(obj) != FIELDS:
                raise SystemExit(f"{where}: fields {sorted(obj)} != {sorted(FIELDS)}")
            e = Entry(**obj, source=where)
            problems = [
                e.theme not in themes and f"unknown theme {e.theme!r}",
                e.sentiment not in SENTIMENTS and f"unknown sentiment {e.sentiment!r}",
                e.variety not in VARIETIES and f"unknown variety {e.variety!r}",
                e.question not in QUESTIONS and f"unknown question {e.question!r}",
                (not e.roles or set(e.roles) - set(ROLES)) and f"bad roles {e.roles}",
                (not e.years or set(e.years) - set(YEARS)) and f"bad years {e.years}",
                not e.text.strip() and "empty text",
                e.text in seen and f"duplicate of {seen.get(e.text)}",
            ]
            problems = [p for p in problems if p]
            if problems:
                raise SystemExit(f"{where}: " + "; ".join(problems))
            if not set(e.years) & QUESTION_YEARS.get(e.question, set(YEARS)):
                raise SystemExit(f"{where}: {e.question} was not asked in {e.years}")
            seen[e.text] = where
            entries.append(e)
    return entries


class Placer:
    """Assigns (year, municipality, role) slots: each role answers a question at most once per
    municipality and round, and one respondent (municipality, round, role) writes one variety."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[tuple[str, int, str, str]] = set()
        self.respondent_variety: dict[tuple[str, int, str], str] = {}
        # Rounds should be of similar size although some questions were only asked from 2020:
        # comments plausible in several rounds lean towards the round that has fewest so far.
        self.per_year: Counter = Counter()
        # Panel: most municipalities answer all three rounds, some skip one.
        self.rounds = {}
        for m in MUNICIPALITIES:
            skip = rng.choice(YEARS) if rng.random() < 0.2 else None
            self.rounds[m.name] = {y for y in YEARS if y != skip}

    def place(self, e: Entry, exclude: frozenset[str] = frozenset()) -> tuple[int, Municipality, str]:
        ok_place = place_filter(e.text, e.theme, e.question)
        years = sorted(set(e.years) & QUESTION_YEARS.get(e.question, set(YEARS)))
        options, weights = [], []
        for m in MUNICIPALITIES:
            if m.name in exclude or not ok_place(m):
                continue
            if e.variety == "nn" and not m.nynorsk:
                continue
            w = SIZE_WEIGHT[m.size] * (NB_IN_NN_MUNICIPALITY if e.variety == "nb" and m.nynorsk else 1.0)
            for y in years:
                if y not in self.rounds[m.name]:
                    continue
                for r in e.roles:
                    if (m.name, y, e.question, r) in self.used:
                        continue
                    if self.respondent_variety.get((m.name, y, r), e.variety) != e.variety:
                        continue
                    options.append((y, m, r))
                    weights.append(w / (self.per_year[y] + YEAR_BALANCE))
        if not options:
            raise SystemExit(f"{e.source}: no free municipality/round/role fits {e.text[:60]!r}")
        y, m, r = self.rng.choices(options, weights=weights)[0]
        self.used.add((m.name, y, e.question, r))
        self.respondent_variety[(m.name, y, r)] = e.variety
        return y, m, r


def assemble(entries: list[Entry], seed: int) -> pd.DataFrame:
    """Place every entry plus the exact duplicates; return one row per answer, sorted and ID'd."""
    rng = random.Random(seed)
    placer = Placer(rng)
    order = list(entries)
    rng.shuffle(order)

    # Most constrained first, so that scarce slots (Nynorsk, one round, named county) are free.
    def tightness(e: Entry) -> tuple:
        named = place_filter(e.text, e.theme, e.question)
        fitting = sum(named(m) and (e.variety == "nb" or m.nynorsk) for m in MUNICIPALITIES)
        return (fitting, len(e.years))

    order.sort(key=tightness)
    rows = []
    for e in order:
        y, m, r = placer.place(e)
        placer.per_year[y] += 1
        rows.append((e, y, m, r))

    # Exact duplicates: short common answers ("Nei", "Bra.", "Ingen kommentar") recur verbatim.
    short = [row for row in rows if len(row[0].text.split()) <= DUPLICATE_MAX_WORDS]
    short.sort(key=lambda row: row[0].source)
    n_dup = round(DUPLICATE_SHARE * len(rows) / (1 - DUPLICATE_SHARE))
    if short:
        for _ in range(n_dup):
            e, _, m, _ = rng.choice(short)
            y2, m2, r2 = placer.place(e, exclude=frozenset({m.name}))
            placer.per_year[y2] += 1
            rows.append((e, y2, m2, r2))

    q_order = {q: i for i, q in enumerate(QUESTIONS)}
    r_order = {r: i for i, r in enumerate(ROLES)}
    rows.sort(key=lambda t: (t[1], t[2].nr(t[1]), q_order[t[0].question], r_order[t[3]]))
    records, counter = [], Counter()
    for e, y, m, r in rows:
        counter[y] += 1
        records.append(
            {
                "Svar-ID": f"KU{y % 100:02d}-{counter[y]:04d}",
                "År": y,
                "Kommunenr": m.nr(y),
                "Kommune": m.name,
                "Fylke": m.county(y),
                "Rolle": r,
                "Spørsmål": QUESTIONS[e.question],
                "Svar": e.text,
                "tema": e.theme,
                "sentiment": e.sentiment,
                "målform": e.variety,
                "question_id": e.question,
            }
        )
    return pd.DataFrame.from_records(records)


def write(df: pd.DataFrame, out_dir: Path) -> tuple[Path, Path]:
    export = out_dir / EXPORT_NAME
    gold = out_dir / GOLD_NAME
    cols = ["Svar-ID", "År", "Kommunenr", "Kommune", "Fylke", "Rolle", "Spørsmål", "Svar"]
    # As Excel in Norway saves "CSV (semikolondelt)": ';', UTF-8 with BOM, CRLF.
    df[cols].to_csv(export, sep=";", index=False, encoding="utf-8-sig", lineterminator="\r\n")
    df[["Svar-ID", "Svar", "tema", "sentiment", "målform"]].to_csv(
        gold, sep=",", index=False, encoding="utf-8", lineterminator="\n"
    )
    return export, gold


def report(df: pd.DataFrame) -> None:
    def show(title: str, s: pd.Series) -> None:
        counts = s.value_counts().sort_index()
        print(f"{title}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))

    print(f"rows: {len(df)}  municipalities: {df['Kommune'].nunique()}")
    show("year", df["År"])
    show("theme", df["tema"])
    show("sentiment", df["sentiment"])
    show("variety", df["målform"])
    show("role", df["Rolle"])
    show("question", df["question_id"])
    dup = df.duplicated("Svar", keep="first").sum()
    print(f"exact duplicate texts (beyond first occurrence): {dup}")
    per_muni = df.groupby("Kommune")["År"].nunique().value_counts().sort_index()
    print("municipalities by number of rounds answered: " + ", ".join(f"{k}={v}" for k, v in per_muni.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--min-rows", type=int, default=1500, help="fail if fewer rows (default 1500)")
    ap.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    ap.add_argument("--out-dir", type=Path, default=HERE)
    args = ap.parse_args(argv)

    entries = load_pools(args.source_dir)
    if not entries:
        raise SystemExit(f"no pools found in {args.source_dir}")
    pools = Counter(e.source.split(":")[0] for e in entries)
    print("pools: " + ", ".join(f"{k}={v}" for k, v in sorted(pools.items())))
    df = assemble(entries, args.seed)
    report(df)
    if len(df) < args.min_rows:
        print(f"ERROR: only {len(df)} rows, need at least {args.min_rows}; files not written "
              f"(pass --min-rows to write a partial sample)", file=sys.stderr)
        return 1
    export, gold = write(df, args.out_dir)
    print(f"wrote {export} and {gold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
