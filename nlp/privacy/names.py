"""Find person names with rules that complement the pipeline's NER.

Why rules: the pipeline's PER recall is far from perfect on short, messy survey comments, and the
cost of a missed name (personal data in a shared report) is much higher than that of a redacted
word. Names are found from (1) first-name lists, with the following capitalised words as surname,
(2) role words, titles and greetings ("saksbehandler", "hr.", "mvh", "ta kontakt med") followed by
a capitalised word, and (3) NER PER spans that survive a filter. Municipality, county and
organisation names are protected by gazetteers and never become [NAVN].
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.privacy.lexicon import Lexicon, lexicon
from nlp.privacy.word_tokens import word_tokens

#: role nouns, titles and greetings after which a capitalised word is a person (one word each)
_SINGLE_TRIGGERS = """
saksbehandler saksbehandleren saksbehandlar sakshandsamar sakshandsamaren konsulent konsulenten
flyktningkonsulent flyktningkonsulenten jobbkonsulent jobbkonsulenten rådgiver rådgiveren rådgjevar
rådgjevaren seniorrådgiver seniorrådgjevar programrådgiver programrådgiveren programrådgjevar
programrådgjevaren kontaktperson kontaktpersonen kontaktlærer kontaktlæreren kontaktlærar kontaktlæraren
lærer læreren lærar læraren rektor rektoren leder lederen leiar leiaren avdelingsleder avdelingslederen
avdelingsleiar enhetsleder enhetslederen einingsleiar tjenesteleder programleder programlederen
programleiar koordinator koordinatoren flyktningkoordinator flyktningkoordinatoren nsk-koordinator
veileder veilederen rettleiar rettleiaren miljøarbeider miljøarbeidaren tolk tolken direktør direktøren
avdelingsdirektør regiondirektør kommunedirektør kommunedirektøren rådmann rådmannen ordfører ordføreren
varaordfører kommunalsjef kommunalsjefen fagleder fagleiar spesialpedagog sosionom helsesykepleier
helsesøster kollega kollegaen kollegaene kollegaer kollegaar referent sekretær deltaker deltakeren
deltakar deltakaren elev eleven familien tolkene likeperson mentor mentoren fastlege fastlegen
hr herr fru frk frøken dr hilsen helsing mvh vh kontakt kontakte kontakta kontakten spør ring ringe ringt
""".split()
#: multi-word contact phrases and self-introductions
_MULTI_TRIGGERS = """beste hilsen|vennlig hilsen|venleg helsing|vennleg helsing|kontakt med|ta kontakt med
|spør etter|snakk med|snakket med|snakka med|prat med|prata med|pratet med|møte med|møtet med|samtale med
|samtalen med|jeg heter|eg heiter|eg heter|mitt navn er|mitt namn er|dette er|skrevet av|skrive av|skreve av
|utfylt av|fylt ut av|svart av|sendt av|med vennlig hilsen|med vennleg helsing"""
_TRIGGER_PHRASES: frozenset[tuple[str, ...]] = frozenset(
    {(w,) for w in _SINGLE_TRIGGERS} | {tuple(p.split()) for p in _MULTI_TRIGGERS.replace("\n", "").split("|")}
)

_ABBREV_TRIGGERS = frozenset({"hr", "dr", "frk", "mvh", "vh", "ref"})

#: weak triggers: a following *first name* (even lowercase or ambiguous) is a name, nothing else
_WEAK_TRIGGERS = frozenset({("til",), ("takk",), ("fra",), ("frå",), ("av",), ("med",), ("hos",), ("hjå",), ("ved",)})

#: capitalised words that never start or continue a name
_STOP = frozenset(
    w.casefold()
    for w in """Min Mitt Mine Vår Vårt Våre Hans Hennes Deres Dykkar Sin Sitt Sine Jeg Eg Vi Me Du De Dei Dere Han Hun Ho Den Det Dette Disse Desse Og Men Som Eller Også Ikke Ikkje
    Takk Hei Hallo Hilsen Helsing Mvh Tlf Telefon Mobil Mob Epost E-post Mail Tel Sentralbord NB PS Ja Nei
    Kommune Kommunen Kommunes Fylke Fylket Fylkeskommune Fylkeskommunen Bydel Bydelen Stat Staten Sak Saken
    Mandag Tirsdag Onsdag Torsdag Fredag Lørdag Søndag Måndag Tysdag Laurdag Sundag Januar Februar Mars April
    Juni Juli September Oktober November Desember Norsk Norske Engelsk Arabisk Somali Tigrinja Ukrainsk Polsk
    Rektor Lærer Leder Leiar Rådgiver Rådgjevar Konsulent Saksbehandler Kontaktperson Koordinator Direktør
    Rådmann Ordfører Kommunedirektør Tolk Deltaker Deltakar Elev Familien Hr Fru Herr Dr Mvh Vennlig Vennleg
    Beste Med Hos Fra Frå Til Om Etter For På Ved Av I Ifølge Se Sjå Ring Kontakt Spør Send Skriv Gi Gje
    Introduksjonsprogrammet Introprogrammet Flyktningtjenesten Flyktningtenesta Voksenopplæringen
    Vaksenopplæringa Barnevernet Skolen Skulen Mottaket Integreringsloven Integreringslova Tilskudd Tilskot""".split()
)

#: lowercase street words: "Karl Johans gate" is a street, not a person
_STREET_WORDS = frozenset({"gate", "gata", "vei", "veg", "veien", "vegen", "allé", "alle", "plass", "torg", "bakke",
                           "terrasse", "park", "brygge", "stredet"})
#: words after a candidate that make it a place or organisation ("Frøya kommune")
_PLACE_HEADS = frozenset({"kommune", "kommunes", "kommune,", "fylke", "fylkes", "fylkeskommune", "fylkeskommunes",
                          "bydel", "sykehus", "sjukehus", "stasjon", "lufthavn", "flyplass", "havn", "hamn",
                          "universitet", "videregående", "vidaregåande", "ungdomsskole", "barneskole", "skule",
                          "kirke", "kyrkje", "menighet", "asylmottak", "mottak", "sokn", "prestegjeld", "region",
                          "regionråd", "interkommunale", "legevakt", "voksenopplæring", "vaksenopplæring"})
_PLACE_HEAD_INITIALS = frozenset(w[0] for w in _PLACE_HEADS) | frozenset(w[0].upper() for w in _PLACE_HEADS)
_PARTICLES = frozenset({"bin", "binti", "bint", "al", "el", "van", "von", "de", "der", "den", "da", "di", "dos", "du",
                        "la", "le", "abu", "ibn", "ould", "ter", "af", "mac", "mc", "ben"})
#: definite-noun endings: "Hilsen Flyktningkontoret" is not a person
_NOUN_ENDINGS = ("tjenesten", "tenesta", "kontoret", "kontor", "avdelingen", "avdelinga", "enheten", "eininga",
                 "senteret", "senter", "skolen", "skulen", "etaten", "teamet", "gruppa", "gruppen", "programmet",
                 "prosjektet", "utvalget", "rådet", "ledelsen", "leiinga", "direktoratet", "departementet", "fylket",
                 "seksjonen", "staben", "området", "torget", "bordet", "sjonen", "ingen", "inga", "heten", "else",
                 "skapet", "sentralen", "tjeneste", "teneste", "kommunen", "kommuna", "mottaket", "nemnda")


def text_gap_ok(words, k: int) -> bool:
    """Token k is a word (punctuation tokens end a place-name run)."""
    return words[k][2][:1].isalpha()


def _fold(word: str) -> str:
    return word.casefold()


class NameFinder:
    """Rule-based PER spans; `find(text, ner_spans, propn_starts, protected)` returns (start, end) pairs."""

    def __init__(self, lex: Lexicon | None = None):
        self.lex = lex or lexicon()

    # ---------------------------------------------------------------- word classes
    def is_first_name(self, word: str) -> bool:
        f = _fold(word)
        if f in self.lex.first_names or f in self.lex.ambiguous_first_names:
            return True
        if "-" in f and f.split("-")[0] in self.lex.first_names:
            return True
        return False

    def is_ambiguous(self, word: str) -> bool:
        f = _fold(word)
        return f in self.lex.ambiguous_first_names or f in self.lex.keep_words_folded or f in _STOP

    def is_surname(self, word: str) -> bool:
        return _fold(word) in self.lex.surnames

    @staticmethod
    def is_cap(word: str) -> bool:
        return word[:1].isupper() and not (len(word) > 1 and word.isupper())

    # ---------------------------------------------------------------- protected ranges
    def keep_ranges(self, toks: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
        """Character ranges of place and organisation names (gazetteer phrases, "X kommune")."""
        out = []
        words = [t for t in toks]
        n = len(words)
        i = 0
        starts = self.lex.phrase_starts
        while i < n:
            matched = 0
            for k in starts.get(words[i][2], ()):
                if k == 1 or (i + k <= n and tuple(w[2] for w in words[i:i + k]) in self.lex.keep_phrases):
                    matched = k
                    break
            if matched:
                out.append((words[i][0], words[i + matched - 1][1]))
                i += matched
                continue
            i += 1
        # capitalised words directly before "kommune", "fylkeskommune", ... are place names
        for j, (s, e, w) in enumerate(words):
            if j > 0 and w[0] in _PLACE_HEAD_INITIALS and _fold(w) in _PLACE_HEADS:
                k = j
                while k - 1 >= 0 and j - (k - 1) <= 3 and self.is_cap(words[k - 1][2]) and text_gap_ok(words, k - 1):
                    k -= 1
                if k < j:
                    out.append((words[k][0], words[j - 1][1]))
        # all-caps acronyms (NAV, IMDi-like, NSK) are organisations or terms
        for s, e, w in words:
            if len(w) >= 2 and sum(c.isupper() for c in w) >= 2 and w[0].isupper() and not w.istitle():
                if w.isupper() and len(w) > 2 and (self.is_first_name(w) or self.is_surname(w)):
                    continue  # "KARI NORDMANN" written in capitals; decided in _caps_name
                out.append((s, e))
        return out

    # ---------------------------------------------------------------- main
    def find(
        self,
        text: str,
        toks: Sequence[tuple[int, int, str]] | None = None,
        protected: Sequence[tuple[int, int]] = (),
        propn: frozenset[int] = frozenset(),
    ) -> list[tuple[int, int]]:
        toks = list(toks if toks is not None else word_tokens(text))
        keep = self.keep_ranges(toks)
        blocked = list(protected) + keep

        def is_blocked(s: int, e: int) -> bool:
            return any(bs <= s and e <= be for bs, be in blocked) or any(
                s < be and bs < e for bs, be in protected
            )

        spans: list[tuple[int, int]] = []
        i = 0
        n = len(toks)
        last_name_tok = -10
        while i < n:
            s, e, w = toks[i]
            if not w[0].isalpha() or is_blocked(s, e):
                i += 1
                continue
            if i + 1 < n and toks[i + 1][2] == "-" and toks[i + 1][0] == e and (i + 2 >= n or toks[i + 2][0] > toks[i + 1][1]):
                i += 1  # "Arbeids- og velferdsetaten": first part of a coordinated compound
                continue
            if not w[0].isupper() and _fold(w) not in self.lex.first_names:
                i += 1  # cheap exit: only capitalised words and first names can start a name
                continue
            trig = self._trigger_before(text, toks, i)
            if i >= 2 and last_name_tok == i - 2 and _fold(toks[i - 1][2]) in ("og", ",", "eller", "&"):
                trig = "strong"  # "Lise og Per", "kari og ola": a name coordinated with a name
            if len(w) > 2 and w.isupper() and w.isalpha():
                start_ok = self._caps_name(toks, i, trig)
            else:
                start_ok = self._starts_name(text, toks, i, trig, propn)
            if not start_ok:
                i += 1
                continue
            j = self._extend(text, toks, i, lowercase_ok=not self.is_cap(w), blocked=is_blocked)
            end_tok = toks[j]
            nxt = toks[j + 1][2] if j + 1 < n else ""
            last = end_tok[2]
            if "-" in last and last.rsplit("-", 1)[1][:1].islower():
                i = j + 1  # "Liv Ullmann-salen", "Storgata-bygget": a named thing, not a person
                continue
            if _fold(nxt) in _STREET_WORDS or _fold(nxt) in _PLACE_HEADS:
                i = j + 1
                continue
            spans.append((s, end_tok[1]))
            last_name_tok = j
            i = j + 1
        return spans

    def _caps_name(self, toks, i: int, trig: str) -> bool:
        """An all-caps first name ("KARI NORDMANN") with an all-caps surname after it, or a role word before."""
        w = toks[i][2]
        f = _fold(w)
        if not self.is_first_name(w) or f in self.lex.org_words_folded:
            return False
        nxt = toks[i + 1][2] if i + 1 < len(toks) else ""
        caps_next = len(nxt) > 1 and nxt.isupper() and nxt.isalpha() and _fold(nxt) not in self.lex.org_words_folded
        if self.is_ambiguous(w):
            return bool(trig == "strong" or (caps_next and self.is_surname(nxt)))
        return bool(trig == "strong" or caps_next)

    def _gap(self, text: str, a: tuple[int, int, str], b: tuple[int, int, str]) -> str:
        return text[a[1]:b[0]]

    def _trigger_before(self, text: str, toks, i: int) -> str:
        """'strong', 'weak' or '' for the words just before token i (skipping ',', ':', '-')."""
        k = i - 1
        while k >= 0 and toks[k][2] in (",", ":", "-", "–", "(", "«", '"'):
            k -= 1
        if k < 0:
            return ""
        words: list[str] = []
        m = k
        while m >= 0 and len(words) < 5:
            words.insert(0, _fold(toks[m][2]))
            m -= 1
        # "v/" and "c/o" are split by the tokenizer into "v", "/"
        joined = words[:]
        if len(joined) >= 2 and joined[-1] == "/" and joined[-2] in ("v", "c/o", "c"):
            return "strong"
        if joined and joined[-1] == "." and len(joined) >= 2 and joined[-2] in _ABBREV_TRIGGERS:
            return "strong"
        for length in range(min(5, len(joined)), 0, -1):
            if tuple(joined[-length:]) in _TRIGGER_PHRASES:
                return "strong"
        if tuple(joined[-1:]) in _WEAK_TRIGGERS:
            return "weak"
        return ""

    def _starts_name(self, text: str, toks, i: int, trig: str, propn: frozenset[int]) -> bool:
        s, e, w = toks[i]
        n = len(toks)
        cap = self.is_cap(w)
        folded = _fold(w)
        base = w[:-1] if cap and len(w) > 3 and w.endswith("s") and not self.is_first_name(w) else w
        first = self.is_first_name(base)
        nxt = toks[i + 1] if i + 1 < n else None
        same_line_next = nxt is not None and "\n" not in self._gap(text, toks[i], nxt) and self._gap(text, toks[i], nxt) == " "
        surname_next = bool(
            same_line_next and nxt and nxt[2][:1].isalpha() and self.is_cap(nxt[2]) and _fold(nxt[2]) not in _STOP
            and (self.is_surname(nxt[2]) or self.is_first_name(nxt[2]) or _fold(nxt[2]) not in self.lex.keep_words_folded)
        )
        if folded in _STOP:
            return False
        if first and cap:
            if not self.is_ambiguous(base):
                return True
            mid_sentence = i > 0 and toks[i - 1][2] not in (".", "!", "?", ":", "«", '"') and "\n" not in self._gap(text, toks[i - 1], toks[i])
            return bool(trig == "strong" or surname_next or (s in propn and trig and mid_sentence))
        if first and not cap:
            return bool(trig) and not self.is_ambiguous(base) and folded not in _PARTICLES
        if cap and trig == "strong":
            if len(w) == 1:  # an initial: "K. Nordmann"
                return bool(nxt and nxt[2] == "." and i + 2 < n and self.is_cap(toks[i + 2][2]))
            if folded in self.lex.keep_words_folded and not self.is_surname(w):
                return False
            if self.is_surname(w) or s in propn:
                return True
            if folded.endswith(_NOUN_ENDINGS) and not folded.endswith("sen"):
                return False
            return True
        return False

    def _extend(self, text: str, toks, i: int, lowercase_ok: bool, blocked) -> int:
        """Index of the last token of the name that starts at token i (surname, initials, particles)."""
        n = len(toks)
        j = i
        count = 1
        while j + 1 < n and count < 5:
            gap = self._gap(text, toks[j], toks[j + 1])
            nxt = toks[j + 1]
            w = nxt[2]
            if w == "." and len(toks[j][2]) == 1 and gap == "" and j + 2 < n and self._gap(text, nxt, toks[j + 2]) == " ":
                # initial "M." inside "Heidi M. Olsen": take the dot and look at the next word
                if self.is_cap(toks[j + 2][2]) and _fold(toks[j + 2][2]) not in _STOP:
                    j += 1
                    continue
                break
            if gap not in (" ", "\u00a0"):
                break
            if not w[:1].isalpha():
                break
            f = _fold(w)
            caps_name = len(toks[i][2]) > 2 and toks[i][2].isupper()
            if f in _STOP or f in self.lex.org_words_folded or (len(w) > 1 and w.isupper() and not caps_name):
                break
            if blocked(nxt[0], nxt[1]) and not (self.is_surname(w) or f in self.lex.keep_words_folded):
                break
            if f in _PARTICLES and j + 2 < n and self.is_cap(toks[j + 2][2]) and self._gap(text, nxt, toks[j + 2]) == " ":
                j += 2
                count += 2
                continue
            if self.is_cap(w) or (len(w) == 1 and w.isupper()) or (caps_name and w.isupper() and len(w) > 1):
                if f in _PLACE_HEADS:
                    break
                j += 1
                count += 1
                continue
            if lowercase_ok and (f in self.lex.surnames or f in self.lex.first_names) and f not in _STOP:
                j += 1
                count += 1
                continue
            break
        return j

    # ---------------------------------------------------------------- NER filter
    def accept_ner(
        self, text: str, toks, start: int, end: int, keep, protected, pos_at: dict[int, str] | None = None
    ) -> tuple[int, int] | None:
        """The part of an NER PER span that is a person's name, or None.

        The model's usual mistakes on survey comments: a capitalised role or noun at sentence start
        ("Kommunalsjef", "Kommunene Hamar"), a place with its head ("Gran kommune"), a street
        ("Karl Johans gate"), a named thing ("Liv Ullmann-salen") or a first name that is also a word.
        """
        idx = [k for k, t in enumerate(toks) if start <= t[0] and t[1] <= end and t[2][:1].isalpha()]
        # drop leading role words, stop words and definite nouns ("Kommunene", "Rådgiver")
        while idx and self._not_name_word(toks[idx[0]][2]):
            idx.pop(0)
        if not idx:
            return None
        words = [toks[k][2] for k in idx]
        if any(not self.is_cap(w) and _fold(w) not in _PARTICLES for w in words):
            return None  # "Gran kommune", "Veien inn-modellen"
        s, e = toks[idx[0]][0], toks[idx[-1]][1]
        if any(ps < e and s < pe for ps, pe in protected):
            return None
        if all(any(ks <= toks[k][0] and toks[k][1] <= ke for ks, ke in keep) or self._place_genitive(toks[k][2])
               for k in idx):
            return None  # every word is a place, an organisation or an acronym ("Chiles", "IMDis")
        last = words[-1]
        if "-" in last and last.rsplit("-", 1)[1][:1].islower():
            return None
        # the word after the capitalised run the span sits in: "Hans Nielsen Hauges gate" is a street
        # even when the model marks only "Nielsen"
        after = idx[-1] + 1
        while after < len(toks) and self.is_cap(toks[after][2]):
            after += 1
        nxt = toks[after][2] if after < len(toks) else ""
        if _fold(nxt) in _STREET_WORDS or _fold(nxt) in _PLACE_HEADS:
            return None
        if any(self._org_word(toks[k][2]) for k in idx):
            return None  # "Google Classroom", "Udirs veileder"
        if len(idx) == 1:
            w = words[0]
            trig = self._trigger_before(text, toks, idx[0])
            if self.is_ambiguous(w) and trig != "strong":
                return None  # "Dag for dag", "Per i dag"
            if not (self.is_first_name(w) or self.is_surname(w)) and trig != "strong":
                # an unknown single word: only a proper noun in mid-sentence ("Boligmangel er ..." is not)
                pos = (pos_at or {}).get(toks[idx[0]][0])
                sentence_start = idx[0] == 0 or toks[idx[0] - 1][2] in (".", "!", "?", ":", "\n", "«", '"', "-", "–")
                if sentence_start or (pos is not None and pos != "PROPN"):
                    return None
                f = _fold(w)
                if f.endswith(_NOUN_ENDINGS) and not f.endswith("sen"):
                    return None
        known = any(self.is_first_name(x) or self.is_surname(x) for x in words)
        if not known and not self._trigger_before(text, toks, idx[0]):
            # an unknown name without a role word or preposition before it: trust the model only for
            # 2-3 capitalised words in mid-sentence that the tagger also calls proper nouns
            sentence_start = idx[0] == 0 or toks[idx[0] - 1][2] in (".", "!", "?", ":", "«", '"', "-", "–")
            pos_ok = pos_at is None or all(pos_at.get(toks[k][0], "PROPN") == "PROPN" for k in idx)
            if len(idx) > 3 or sentence_start or not pos_ok:
                return None
        return s, e

    def _place_genitive(self, word: str) -> bool:
        f = _fold(word).rstrip("'’")
        return f.endswith("s") and f[:-1] in self.lex.keep_words_folded

    def _org_word(self, word: str) -> bool:
        f = _fold(word)
        return f in self.lex.org_words_folded or (f.endswith("s") and f[:-1] in self.lex.org_words_folded)

    def _not_name_word(self, word: str) -> bool:
        f = _fold(word)
        if f in _STOP or (f,) in _TRIGGER_PHRASES:
            return True
        if self.is_first_name(word) or self.is_surname(word):
            return False
        return f.endswith(_NOUN_ENDINGS + ("ene", "ane", "er", "ar")) and not f.endswith("sen")

