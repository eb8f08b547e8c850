"""Norwegian abbreviations the tokenizer must keep whole (Bokmål and Nynorsk).

They are added as tokenizer special cases before training, so they are stored in the model's
tokenizer file and work with plain `spacy.load` (no fritekst import needed).
"""

from __future__ import annotations

from typing import Callable

import spacy
from spacy.language import Language
from spacy.symbols import NORM, ORTH

#: abbreviation -> normalised form (NORM); both varieties, lower case
ABBREVIATIONS: dict[str, str] = {
    # required by the issue
    "bl.a.": "blant annet", "f.eks.": "for eksempel", "ca.": "cirka", "jf.": "jamfør",
    "mv.": "med videre", "nr.": "nummer", "kr.": "kroner", "o.l.": "og lignende",
    "dvs.": "det vil si", "evt.": "eventuelt",
    # common in survey comments and public administration
    "osv.": "og så videre", "etc.": "et cetera", "pga.": "på grunn av", "ifm.": "i forbindelse med",
    "iht.": "i henhold til", "ift.": "i forhold til", "mht.": "med hensyn til", "vha.": "ved hjelp av",
    "inkl.": "inklusive", "ekskl.": "eksklusive", "ev.": "eventuelt", "e.l.": "eller lignende",
    "m.m.": "med mer", "o.a.": "og andre", "f.o.m.": "fra og med", "t.o.m.": "til og med",
    "mnd.": "måned", "pst.": "prosent", "kap.": "kapittel", "ang.": "angående", "avd.": "avdeling",
    "tlf.": "telefon", "stk.": "stykk", "bl.": "blant", "dvs": "det vil si", "pga": "på grunn av",
    "ift": "i forhold til", "evt": "eventuelt", "feks": "for eksempel", "bla.": "blant annet",
    "f.eks": "for eksempel", "bl.a": "blant annet", "m.fl.": "med flere", "o.s.v.": "og så videre",
    "s.": "side", "jfr.": "jamfør", "sml.": "sammenlign", "hhv.": "henholdsvis", "ref.": "referanse",
    # Nynorsk
    "t.d.": "til dømes", "m.a.": "mellom anna", "osb.": "og så bortetter", "o.likn.": "og liknande",
    "m.v.": "med vidare",
}


def special_cases() -> dict[str, list[dict]]:
    """Special cases for every abbreviation in lower case and with a capital first letter."""
    cases: dict[str, list[dict]] = {}
    for abbr, norm in ABBREVIATIONS.items():
        if " " in abbr or abbr == norm:
            continue
        for form in {abbr, abbr[:1].upper() + abbr[1:]}:
            cases[form] = [{ORTH: form, NORM: norm}]
    return cases


def add_tokenizer_exceptions(nlp: Language) -> Language:
    for form, attrs in special_cases().items():
        nlp.tokenizer.add_special_case(form, attrs)
    return nlp


@spacy.registry.callbacks("fritekst.add_tokenizer_exceptions.v1")
def create_callback() -> Callable[[Language], Language]:
    return add_tokenizer_exceptions
