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


#: spaCy's Norwegian special cases that are mostly a word and a full stop: in NDT train (both
#: varieties) each is one token at most once and the word then "." at least twice ("i." 0 / 45,
#: "no." 0 / 30, "min." 0 / 8, "eg." 0 / 7, "to." 0 / 7, "jul." 0 / 5, "Frp." 1 / 3; listed by
#: `not_abbreviations` below). Plus the emoticon "):", which NDT train never has while ")" then
#: ":" occurs 63 times ("(IMDi):"). fritekst's own abbreviations above are never removed.
NOT_ABBREVIATIONS = frozenset({"i.", "no.", "min.", "eg.", "to.", "jul.", "Frp.", "):"})


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
    """fritekst's abbreviations in, the word-plus-full-stop cases of spaCy's list out."""
    nlp.tokenizer.rules = {form: attrs for form, attrs in nlp.tokenizer.rules.items()
                           if form not in NOT_ABBREVIATIONS}
    for form, attrs in special_cases().items():
        nlp.tokenizer.add_special_case(form, attrs)
    return nlp


def not_abbreviations(nlp: Language, train_files, min_split: int = 2) -> list[tuple[str, int, int]]:
    """Special cases ending in "." that NDT train writes as a word and a full stop at least
    `min_split` times and as one token at most once: (form, one token, split)."""
    from collections import Counter

    from .corpus import read_conll

    whole, split = Counter(), Counter()
    for path in train_files:
        for sent in read_conll(path):
            forms = [t.form for t in sent.tokens]
            whole.update(forms)
            split.update(f + "." for f, nxt in zip(forms, forms[1:]) if nxt == ".")
    keep = set(ABBREVIATIONS) | {a[:1].upper() + a[1:] for a in ABBREVIATIONS}
    return sorted(((f, whole[f], split[f]) for f in nlp.tokenizer.rules
                   if f.endswith(".") and f not in keep and whole[f] <= 1 and split[f] >= min_split),
                  key=lambda x: -x[2])


@spacy.registry.callbacks("fritekst.add_tokenizer_exceptions.v1")
def create_callback() -> Callable[[Language], Language]:
    return add_tokenizer_exceptions
