"""Made-up tuning texts for the non-answer model: how non-answers and short answers are built.

The hand-written tuning set (`data/nonanswer_train.csv`) has a few hundred texts; these
templates fill in the space between them in both written standards, so that the model learns
the frames ("Har ikke nok X om dette", "Se svaret om X", "Som nevnt over") rather than the
words of a few examples, and learns that the same frames with a content word ("Ikke nok
boliger", "Har ingen rutiner for dette", "Vanskelig å finne praksisplasser") are answers.
Everything is sampled with a fixed seed.
"""

from __future__ import annotations

import random

# ------------------------------------------------------------------ vocabulary
ADJ = {
    "nb": ["bra", "godt", "fornøyd", "tilstrekkelig", "fleksibelt", "forutsigbart", "tydelig",
           "nyttig", "effektivt", "tilgjengelig", "oversiktlig", "tilpasset", "raskt", "enkelt",
           "vellykket", "optimalt", "godt nok", "bra nok", "gode nok", "tilfredsstillende",
           "holdbart", "realistisk", "positivt", "smidig", "dekkende", "treffsikkert",
           "koordinert", "samordnet", "prioritert", "dårlig", "tungvint", "byråkratisk",
           "krevende", "uklart", "rotete", "tregt", "fornuftig", "lovende", "nyttige", "stabilt"],
    "nn": ["bra", "godt", "nøgd", "tilstrekkeleg", "fleksibelt", "føreseieleg", "tydeleg",
           "nyttig", "effektivt", "tilgjengeleg", "oversiktleg", "tilpassa", "raskt", "enkelt",
           "vellukka", "godt nok", "bra nok", "tilfredsstillande", "realistisk", "positivt",
           "smidig", "prioritert", "samordna", "dårleg", "tungvint", "byråkratisk", "krevjande",
           "uklart", "tregt", "fornuftig", "stabilt"],
}
NOUN = {
    "nb": ["midler", "boliger", "kapasitet", "lærere", "tolker", "ressurser", "praksisplasser",
           "penger", "veiledning", "oppfølging", "kontakt", "informasjon", "kompetanse",
           "stillinger", "plasser", "barnehageplasser", "arbeidsplasser", "samarbeid", "dialog",
           "struktur", "tilbud", "rutiner", "verktøy", "tilskudd", "saksbehandlere",
           "helsetjenester", "fritidstilbud", "mentorer", "språkpraksis", "fagfolk",
           "møteplasser", "digitale løsninger", "kveldskurs", "tospråklige lærere",
           "boligkontor", "avklaringer", "helseoppfølging", "psykologhjelp", "leksehjelp"],
    "nn": ["midlar", "bustader", "kapasitet", "lærarar", "tolkar", "ressursar",
           "praksisplassar", "pengar", "rettleiing", "oppfølging", "kontakt", "informasjon",
           "kompetanse", "stillingar", "plassar", "barnehageplassar", "arbeidsplassar",
           "samarbeid", "dialog", "tilbod", "rutinar", "tilskot", "sakshandsamarar",
           "fritidstilbod", "møteplassar", "tospråklege lærarar", "helseoppfølging",
           "leksehjelp"],
}
TOPIC = {
    "nb": ["bosetting", "tilskudd", "fylkeskommunen", "norskopplæring", "kvalifisering",
           "introduksjonsprogrammet", "pandemien", "negativ sosial kontroll", "IMDi", "skolen",
           "integreringsloven", "boliger"],
    "nn": ["busetjing", "tilskot", "fylkeskommunen", "norskopplæring", "kvalifisering",
           "introduksjonsprogrammet", "pandemien", "negativ sosial kontroll", "IMDi", "skulen",
           "integreringslova", "bustader"],
}
ROLE = {
    "nb": ["rådmannen", "kommunedirektøren", "flyktningtjenesten", "NAV", "voksenopplæringen",
           "kommunalsjefen", "leder for introduksjonsprogrammet", "skolen", "oppvekstsektoren",
           "helsetjenesten", "andre i kommunen", "de som jobber med dette", "flyktningkontoret",
           "integreringskoordinatoren"],
    "nn": ["rådmannen", "kommunedirektøren", "flyktningtenesta", "NAV", "vaksenopplæringa",
           "kommunalsjefen", "leiar for introduksjonsprogrammet", "skulen", "andre i kommunen",
           "dei som jobbar med dette", "flyktningkontoret"],
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(rng: random.Random, patterns: list[str], slots: dict[str, list[str]], n: int) -> list[str]:
    """Up to ``n`` distinct texts from the patterns with their slots filled in at random."""
    out: set[str] = set()
    tries = 0
    while len(out) < n and tries < 20 * n:
        tries += 1
        pattern = rng.choice(patterns)
        text = pattern.format(**{k: rng.choice(v) for k, v in slots.items() if "{" + k + "}" in pattern})
        out.add(_cap(" ".join(text.split())) + rng.choice([".", ".", "", "!"] if "?" not in text else [""]))
    return sorted(out)


# ------------------------------------------------------------------ non-answers
def nonanswers(rng: random.Random) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    know_nb = ["kunnskap", "kjennskap", "oversikt", "innsikt", "erfaring", "grunnlag", "bakgrunn",
               "forutsetninger", "informasjon", "peiling", "kompetanse"]
    know_nn = ["kunnskap", "kjennskap", "oversikt", "innsikt", "erfaring", "røynsle", "grunnlag",
               "bakgrunn", "føresetnader", "informasjon", "peiling", "kompetanse"]
    scope_nb = ["om dette", "om dette området", "om temaet", "på dette feltet", "til å svare",
                "til å svare på dette", "til å uttale meg", "til å vurdere dette",
                "om dette til å svare", "på området", "om ordningen", "om dette spørsmålet", "",
                "til å mene noe", "til å si noe om dette", "om det"]
    scope_nn = ["om dette", "om dette området", "om temaet", "på dette feltet", "til å svare",
                "til å svare på dette", "til å uttale meg", "til å vurdere dette", "på området",
                "om ordninga", "", "til å meine noko", "til å seie noko om dette", "om det"]
    obj_nb = ["dette", "det", "dette området", "temaet", "ordningen", "saken", "feltet",
              "dette arbeidet", "dette spørsmålet", "denne delen", "dette godt nok", "det godt nok"]
    obj_nn = ["dette", "det", "dette området", "temaet", "ordninga", "saka", "feltet",
              "dette arbeidet", "dette spørsmålet", "denne delen", "dette godt nok"]
    texts += [(t, "nb") for t in _fill(rng, [
        "har ikke {know} {scope}", "har for lite {know} {scope}", "har ikke nok {know} {scope}",
        "har ingen {know} {scope}", "mangler {know} {scope}", "jeg har ikke god nok {know} {scope}",
        "har begrenset {know} {scope}", "har liten {know} {scope}", "vi har ikke {know} {scope}",
        "kjenner ikke {obj}", "kjenner ikke til {obj}", "kjenner for lite til {obj}",
        "vet ikke nok om {obj}", "vet for lite om {obj}", "er ikke kjent med {obj}",
        "har ikke satt meg inn i {obj}", "har ikke jobbet med {obj}",
        "har ikke vært involvert i {obj}", "har ikke befatning med {obj}",
        "jeg kjenner ikke {obj} til å svare", "vet for lite om {obj} til å mene noe",
        "er ikke oppdatert på {obj}", "har ikke fulgt med på {obj}",
    ], {"know": know_nb, "scope": scope_nb, "obj": obj_nb}, 260)]
    texts += [(t, "nn") for t in _fill(rng, [
        "har ikkje {know} {scope}", "har for lite {know} {scope}", "har ikkje nok {know} {scope}",
        "har ingen {know} {scope}", "manglar {know} {scope}", "eg har ikkje god nok {know} {scope}",
        "har avgrensa {know} {scope}", "har lita {know} {scope}", "me har ikkje {know} {scope}",
        "kjenner ikkje {obj}", "kjenner ikkje til {obj}", "kjenner for lite til {obj}",
        "veit ikkje nok om {obj}", "veit for lite om {obj}", "er ikkje kjend med {obj}",
        "har ikkje sett meg inn i {obj}", "har ikkje jobba med {obj}",
        "har ikkje vore involvert i {obj}", "eg kjenner ikkje {obj} til å svare",
        "er ikkje oppdatert på {obj}", "har ikkje følgt med på {obj}",
    ], {"know": know_nn, "scope": scope_nn, "obj": obj_nn}, 160)]
    # it is someone else's question
    texts += [(t, "nb") for t in _fill(rng, [
        "{role} kan svare bedre på dette", "dette må {role} svare på", "det er {role} som kan svare på dette",
        "spørsmålet hører hjemme hos {role}", "{role} har bedre oversikt over dette",
        "dette ligger under {role}", "henviser til {role}", "dette er ikke noe jeg jobber med",
        "ligger utenfor mitt {area}", "dette hører ikke inn under mitt {area}",
        "dette er ikke mitt {area}", "ikke noe jeg har ansvar for", "spør {role}",
        "er ny i jobben og vet ikke", "har ikke vært i stillingen lenge nok til å svare",
        "begynte nylig og har ikke oversikt", "vet ikke, spør {role}",
    ], {"role": ROLE["nb"], "area": ["fagområde", "felt", "bord", "område", "arbeidsfelt",
                                     "ansvar", "mandat"]}, 110)]
    texts += [(t, "nn") for t in _fill(rng, [
        "{role} kan svare betre på dette", "dette må {role} svare på",
        "det er {role} som kan svare på dette", "{role} har betre oversikt over dette",
        "dette ligg under {role}", "ligg utanfor mitt {area}", "dette er ikkje mitt {area}",
        "ikkje noko eg har ansvar for", "spør {role}", "er ny i jobben og veit ikkje",
        "har ikkje vore i stillinga lenge nok til å svare",
    ], {"role": ROLE["nn"], "area": ["fagområde", "felt", "bord", "område", "ansvar"]}, 70)]
    # referrals
    where_nb = ["over", "ovenfor", "lenger opp", "under", "tidligere", "i forrige svar",
                "på forrige spørsmål", "på spørsmål {n}", "i punkt {n}", "tidligere i skjemaet",
                "i svaret om {topic}", "i kommentaren om {topic}", "under {topic}"]
    where_nn = ["over", "ovanfor", "lenger oppe", "under", "tidlegare", "i førre svar",
                "på førre spørsmål", "på spørsmål {n}", "i punkt {n}", "tidlegare i skjemaet",
                "i svaret om {topic}", "i kommentaren om {topic}", "under {topic}"]
    for variety, where, pats in (
        ("nb", where_nb, ["se svar {where}", "se kommentar {where}", "se det jeg skrev {where}",
                          "viser til svaret {where}", "viser til det som er skrevet {where}",
                          "henviser til kommentaren {where}", "jf. svar {where}",
                          "som nevnt {where}", "som skrevet {where}", "som sagt {where}",
                          "som beskrevet {where}", "som svart {where}", "samme som {where}",
                          "samme svar som {where}", "dette er besvart {where}",
                          "har svart på dette {where}", "har kommentert dette {where}",
                          "se mitt svar {where}", "svaret {where} gjelder her også",
                          "det samme gjelder her som {where}", "se {topic} {where}",
                          "viser til det jeg skrev om {topic}"]),
        ("nn", where_nn, ["sjå svar {where}", "sjå kommentar {where}", "sjå det eg skreiv {where}",
                          "viser til svaret {where}", "viser til det som er skrive {where}",
                          "som nemnt {where}", "som skrive {where}", "som sagt {where}",
                          "same som {where}", "same svar som {where}", "dette er svara på {where}",
                          "har svara på dette {where}", "har kommentert dette {where}",
                          "svaret {where} gjeld her òg", "viser til det eg skreiv om {topic}"]),
    ):
        expanded = [p.replace("{where}", w) for p in pats for w in where]
        texts += [(t, variety) for t in _fill(rng, expanded, {"topic": TOPIC[variety],
                                                             "n": [str(i) for i in range(1, 13)]},
                                              200 if variety == "nb" else 120)]
    # no comment
    texts += [(t, "nb") for t in _fill(rng, [
        "{who} {qual} {obj} {tail}", "nei, {who} {qual} {obj} {tail}", "{who} {qual} {obj}",
        "ikke noe {more} å {verb} {tail}", "ingenting {more} å {verb} {tail}",
        "nei, ikke noe {more} å {verb}", "har ikke noe {more} å {verb} {tail}",
    ], {"who": ["ingen", "har ingen", "vi har ingen", "jeg har ingen", "det er ingen"],
        "qual": ["", "flere", "ytterligere", "andre", "spesielle", "særlige", "konkrete", "utfyllende", "nye"],
        "obj": ["kommentarer", "merknader", "innspill", "tilbakemeldinger", "synspunkter", "tillegg",
                "bemerkninger", "kommentar"],
        "tail": ["", "til dette", "fra oss", "fra min side", "nå", "i denne omgang", "utover det som er sagt",
                 "denne gangen", "til spørsmålet", "takk", "for vår del", "på dette tidspunktet", "her"],
        "more": ["", "mer", "mere", "spesielt", "nytt", "annet"],
        "verb": ["tilføye", "legge til", "melde", "si", "kommentere", "bemerke", "nevne", "bidra med",
                 "tilføre", "utdype"]}, 220)]
    texts += [(t, "nn") for t in _fill(rng, [
        "{who} {qual} {obj} {tail}", "nei, {who} {qual} {obj} {tail}",
        "ikkje noko {more} å {verb} {tail}", "ingenting {more} å {verb} {tail}",
        "har ikkje noko {more} å {verb} {tail}",
    ], {"who": ["ingen", "har ingen", "me har ingen", "eg har ingen", "det er ingen"],
        "qual": ["", "fleire", "ytterlegare", "andre", "spesielle", "særlege", "konkrete", "nye"],
        "obj": ["kommentarar", "merknader", "innspel", "tilbakemeldingar", "synspunkt", "kommentar"],
        "tail": ["", "til dette", "frå oss", "frå mi side", "no", "denne gongen", "til spørsmålet",
                 "takk", "for vår del", "her"],
        "more": ["", "meir", "spesielt", "nytt", "anna"],
        "verb": ["tilføye", "leggje til", "melde", "seie", "kommentere", "nemne", "bidra med"]}, 140)]
    # don't know, can't say
    texts += [(t, "nb") for t in _fill(rng, [
        "vet ikke{adv}", "jeg vet ikke{adv}", "usikker{on}", "vanskelig å {say}{when}",
        "kan ikke {say2}{about}", "ingen {opinion}{about}", "har ingen {opinion}{about}",
        "har ikke {decided} dette", "for tidlig å si{when}", "vet ikke, {filler}", "usikker, {filler}",
    ], {"adv": ["", " helt", " sikkert", " nok", " ennå"],
        "on": ["", " på dette", " på hva jeg skal svare", " på hva som menes"],
        "say": ["si", "svare", "vurdere", "gi et godt svar", "svare på"],
        "when": ["", " nå", " ennå", " på dette tidspunktet", " generelt"],
        "say2": ["svare", "uttale meg", "si noe", "svare for kommunen", "svare på vegne av kommunen"],
        "about": ["", " om dette", " på dette", " om det"],
        "opinion": ["formening", "mening", "oppfatning", "klar mening"],
        "decided": ["tatt stilling til", "vurdert", "tenkt over", "fått vurdert"],
        "filler": ["har ikke oversikt", "er ny", "har ikke tall på dette", "har ikke jobbet med det"]}, 130)]
    texts += [(t, "nn") for t in _fill(rng, [
        "veit ikkje{adv}", "eg veit ikkje{adv}", "usikker{on}", "vanskeleg å {say}{when}",
        "kan ikkje {say2}{about}", "inga {opinion}{about}", "har inga {opinion}{about}",
        "for tidleg å seie{when}", "veit ikkje, {filler}",
    ], {"adv": ["", " heilt", " sikkert", " enno"],
        "on": ["", " på dette", " på kva eg skal svare", " på kva som er meint"],
        "say": ["seie", "svare", "vurdere", "svare på"],
        "when": ["", " no", " enno", " generelt"],
        "say2": ["svare", "uttale meg", "seie noko", "svare for kommunen"],
        "about": ["", " om dette", " på dette", " om det"],
        "opinion": ["formeining", "meining", "oppfatning"],
        "filler": ["har ikkje oversikt", "er ny", "har ikkje tal på dette"]}, 80)]
    # not applicable
    texts += [(t, "nb") for t in _fill(rng, [
        "ikke {rel}{for_}", "lite {rel}{for_}", "gjelder ikke{for_}", "spørsmålet er ikke {rel}{for_}",
        "passer ikke{for_}", "ikke {rel} problemstilling{for_}", "ikke {rel} i år",
    ], {"rel": ["aktuelt", "relevant", "aktuell", "relevante"],
        "for_": ["", " for oss", " for vår kommune", " hos oss", " for skolen", " for min del",
                 " for min rolle", " for voksenopplæringen", " for små kommuner", " nå", " lenger"]}, 90)]
    texts += [(t, "nn") for t in _fill(rng, [
        "ikkje {rel}{for_}", "lite {rel}{for_}", "gjeld ikkje{for_}", "spørsmålet er ikkje {rel}{for_}",
        "passar ikkje{for_}",
    ], {"rel": ["aktuelt", "relevant", "aktuell"],
        "for_": ["", " for oss", " for vår kommune", " hjå oss", " for skulen", " for mi rolle",
                 " for vaksenopplæringa", " no", " lenger"]}, 60)]
    # courtesy
    texts += [(t, "nb") for t in _fill(rng, [
        "takk for {what}", "lykke til {with_}", "ha en {adj} {day}", "hilsen {role}", "mvh {role}",
        "takk, {rest}", "ok, {rest}",
    ], {"what": ["undersøkelsen", "muligheten", "nå", "at vi fikk svare", "oppmerksomheten", "meg"],
        "with_": ["", "med arbeidet", "videre", "med rapporten", "med undersøkelsen"],
        "adj": ["fin", "god", "riktig god"], "day": ["dag", "helg", "sommer", "jul"],
        "role": ROLE["nb"], "rest": ["det var alt", "ingen flere kommentarer", "ikke noe mer"]}, 50)]
    texts += [(t, "nn") for t in _fill(rng, [
        "takk for {what}", "lukke til {with_}", "ha ein {adj} {day}", "helsing {role}",
    ], {"what": ["undersøkinga", "høvet", "no", "at me fekk svare"],
        "with_": ["", "med arbeidet", "vidare"], "adj": ["fin", "god"], "day": ["dag", "helg", "sommar"],
        "role": ROLE["nn"]}, 25)]
    return texts


# --------------------------------------------------------------------- answers
def answers(rng: random.Random) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for variety, neg, no in (("nb", "ikke", "nei"), ("nn", "ikkje", "nei")):
        adj, noun = ADJ[variety], NOUN[variety]
        more = "mer" if variety == "nb" else "meir"
        many = "flere" if variety == "nb" else "fleire"
        lack = "mangler" if variety == "nb" else "manglar"
        need = "trenger" if variety == "nb" else "treng"
        texts += [(t, variety) for t in _fill(rng, [
            f"{neg} {{adj}}", f"{no}, {neg} {{adj}}", "lite {adj}", "svært {adj}", "veldig {adj}",
            "ganske {adj}", f"{neg} spesielt {{adj}}", "ja, {adj}", "{adj}", "mindre {adj} enn før",
            "helt {adj}", "stort sett {adj}", f"{neg} så {{adj}} som vi ønsker",
        ], {"adj": adj}, 150 if variety == "nb" else 100)]
        texts += [(t, variety) for t in _fill(rng, [
            f"{neg} nok {{noun}}", "for lite {noun}", "for få {noun}", f"{lack} {{noun}}",
            f"har {neg} {{noun}}", "har ingen {noun}", "ingen {noun}", f"{no}, vi {lack} {{noun}}",
            f"{more} {{noun}}", f"{many} {{noun}}", f"{need} {{noun}}", "behov for {noun}", "{noun}",
            f"{no}, for lite {{noun}}", f"{no}, {neg} nok {{noun}}", "{noun} og {noun2}",
            f"ingen {{noun}} {'for' if variety == 'nb' else 'for'} {{who}}",
        ], {"noun": noun, "noun2": noun, "who": ["de unge", "kvinnene", "de eldste", "dei unge", "familiane"]},
            220 if variety == "nb" else 140)]
    # the frames of non-answers, with content
    texts += [(t, "nb") for t in _fill(rng, [
        "vanskelig å {do}", "vet ikke {wh}", "usikkert om {clause}", "som nevnt {claim}",
        "som før: {claim}", "samme som i fjor, {claim}", "se på {thing}", "viser til at {claim}",
        "takk for {good}", "ingen kommentar til {topic}, men {claim}", "nei, {claim}", "ja, {claim}",
        "kjenner til {thing}", "har ikke fått {thing}", "ikke aktuelt å {do} nå",
        "gjelder ikke bare oss, {claim}", "ikke noe å klage på", "ingenting å klage på",
        "ingen problemer med {topic}", "ingen store endringer", "ikke relevant {thing}",
    ], {"do": ["rekruttere lærere", "finne boliger", "få praksisplasser", "nå kvinnene", "planlegge",
               "bosette flere", "få tak i tolk", "følge opp alle", "få deltakere i arbeid", "beholde ansatte"],
        "wh": ["hvem vi skal kontakte i fylket", "når vi får svar fra IMDi", "om tilskuddet kommer",
               "hvem som har ansvaret for oppfølgingen", "hvor vi skal bosette dem",
               "om vi får flere praksisplasser", "hva fylket skal bidra med", "hvordan vi skal finansiere dette"],
        "clause": ["vi får tilskudd neste år", "ordningen fortsetter", "vi får nok boliger",
                   "programmet kan forlenges", "fylket tar ansvar"],
        "claim": ["vi mangler boliger", "tilskuddet er for lavt", "vi trenger flere lærere",
                  "fylket er lite synlig", "IMDi svarer for sent", "samarbeidet med NAV er godt",
                  "pandemien stoppet praksis", "deltakerne trenger mer tid", "vi har for få praksisplasser",
                  "det har blitt bedre", "det tar for lang tid"],
        "thing": ["hele bosettingsprosessen", "behovet for tolk", "kompetanseteamet", "veiledningen fra IMDi",
                  "nettverkene i fylket", "tilskudd til prosjektet", "svar på søknaden", "kurs for ansatte"],
        "good": ["godt samarbeid", "god hjelp", "rask respons", "gode kurs", "støtten under pandemien",
                 "god veiledning fra regionkontoret"],
        "topic": TOPIC["nb"]}, 220)]
    texts += [(t, "nn") for t in _fill(rng, [
        "vanskeleg å {do}", "veit ikkje {wh}", "usikkert om {clause}", "som nemnt {claim}",
        "same som i fjor, {claim}", "viser til at {claim}", "takk for {good}", "nei, {claim}",
        "ja, {claim}", "har ikkje fått {thing}", "ikkje aktuelt å {do} no", "ikkje noko å klage på",
        "ingen problem med {topic}",
    ], {"do": ["rekruttere lærarar", "finne bustader", "få praksisplassar", "planleggje", "busetje fleire",
               "få tak i tolk", "følgje opp alle", "få deltakarar i arbeid"],
        "wh": ["kven me skal kontakte i fylket", "når me får svar frå IMDi", "om tilskotet kjem",
               "kvar me skal busetje dei", "kva fylket skal bidra med"],
        "clause": ["me får tilskot neste år", "ordninga held fram", "me får nok bustader"],
        "claim": ["me manglar bustader", "tilskotet er for lågt", "me treng fleire lærarar",
                  "fylket er lite synleg", "IMDi svarar for seint", "pandemien stoppa praksis",
                  "deltakarane treng meir tid", "det har vorte betre"],
        "thing": ["svar på søknaden", "tilskot til prosjektet", "rettleiing frå IMDi", "kurs for tilsette"],
        "good": ["godt samarbeid", "god hjelp", "rask respons", "god rettleiing"],
        "topic": TOPIC["nn"]}, 130)]
    return texts


def generate(seed: int) -> list[tuple[str, int, str]]:
    """(text, is_nonanswer, variety) for every made-up text, deterministic for a seed."""
    rng = random.Random(seed)
    rows = [(t, 1, v) for t, v in nonanswers(rng)] + [(t, 0, v) for t, v in answers(rng)]
    labels: dict[str, set[int]] = {}
    for text, label, _variety in rows:
        labels.setdefault(_key(text), set()).add(label)
    out, seen = [], set()
    for text, label, variety in rows:
        key = _key(text)
        if len(labels[key]) == 1 and key not in seen:  # a text made both ways is dropped
            seen.add(key)
            out.append((text, label, variety))
    return out


def _key(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").replace(":", " ").rstrip(".!").split())

