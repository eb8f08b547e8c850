"""NDT -> UD mapping on hand-checked sentences (gold = the UD treebank's annotation of them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.eval.pipeline import repair_iob
from training.pipeline.convert import _ndt_spaces, make_doc
from training.pipeline.corpus import align_by_tokens, read_conll
from training.pipeline.mapping import convert_sentence

NOB = """\
# sent_id = ap012_0003-0064
1	Gjennom	gjennom	prep	prep	_	11	ADV	_	name=O
2	halvannet	halvannen	det	det	nøyt|ent|kvant	3	DET	_	name=O
3	års	år	subst	subst	appell|nøyt|ub|ent|gen	4	DET	_	name=O
4	kontakt	kontakt	subst	subst	appell|mask|ub|ent	1	PUTFYLL	_	name=O
5	har	ha	verb	verb	pres	0	FINV	_	name=O
6	jeg	jeg	pron	pron	ent|pers|hum|nom|1	5	SUBJ	_	name=O
7	ikke	ikke	adv	adv	_	11	ADV	_	name=O
8	en	en	det	det	mask|ent|kvant	10	DET	_	name=O
9	eneste	eneste	det	det	be|kvant|<adj>	10	DET	_	name=O
10	gang	gang	subst	subst	appell|mask|ub|ent	11	ADV	_	name=O
11	sett	se	verb	verb	perf-part	5	INFV	_	name=O
12	rovdyret	rovdyr	subst	subst	appell|nøyt|be|ent	11	DOBJ	_	name=O
13	i	i	prep	prep	_	11	ADV	_	name=O
14	ham	han	pron	pron	mask|ent|pers|hum|3|akk	13	PUTFYLL	_	name=O
15	,	$,	<komma>	<komma>	_	11	IK	_	name=O
16	dette	dette	pron	pron	nøyt|ent|pers|3	5	APP	_	name=O
17	uaktet	uaktet	prep	prep	_	16	ATR	_	name=O
18	de	de	det	det	dem|fl	19	DET	_	name=O
19	handlinger	handling	subst	subst	appell|fem|ub|fl	17	PUTFYLL	_	name=O
20	som	som	sbu	sbu	_	21	SBU	_	name=O
21	har	ha	verb	verb	pres	19	ATR	_	name=O
22	vært	være	verb	verb	perf-part	21	INFV	_	name=O
23	grunnlaget	grunnlag	subst	subst	appell|nøyt|be|ent	22	SPRED	_	name=O
24	for	for	prep	prep	_	23	ATR	_	name=O
25	vår	vår	det	det	mask|ent|poss	26	DET	_	name=O
26	kontakt	kontakt	subst	subst	appell|mask|ub|ent	24	PUTFYLL	_	name=O
27	.	$.	clb	clb	<punkt>	5	IP	_	name=O

"""

NOB_GOLD = [
    ("ADP", "_"), ("NUM", "Gender=Neut|Number=Sing|NumType=Card"),
    ("NOUN", "Case=Gen|Definite=Ind|Gender=Neut|Number=Sing"), ("NOUN", "Definite=Ind|Gender=Masc|Number=Sing"),
    ("AUX", "Mood=Ind|Tense=Pres|VerbForm=Fin"), ("PRON", "Animacy=Hum|Case=Nom|Number=Sing|Person=1|PronType=Prs"),
    ("PART", "Polarity=Neg"), ("DET", "Gender=Masc|Number=Sing|PronType=Art"), ("NUM", "Definite=Def|NumType=Card"),
    ("NOUN", "Definite=Ind|Gender=Masc|Number=Sing"), ("VERB", "VerbForm=Part"),
    ("NOUN", "Definite=Def|Gender=Neut|Number=Sing"), ("ADP", "_"),
    ("PRON", "Animacy=Hum|Case=Acc|Gender=Masc|Number=Sing|Person=3|PronType=Prs"), ("PUNCT", "_"),
    ("PRON", "Gender=Neut|Number=Sing|Person=3|PronType=Prs"), ("ADP", "_"), ("DET", "Number=Plur|PronType=Dem"),
    ("NOUN", "Definite=Ind|Gender=Fem|Number=Plur"), ("PRON", "PronType=Rel"),
    ("AUX", "Mood=Ind|Tense=Pres|VerbForm=Fin"), ("AUX", "VerbForm=Part"),
    ("NOUN", "Definite=Def|Gender=Neut|Number=Sing"), ("ADP", "_"),
    ("PRON", "Gender=Masc|Number=Sing|Poss=Yes|PronType=Prs"), ("NOUN", "Definite=Ind|Gender=Masc|Number=Sing"),
    ("PUNCT", "_"),
]

NNO = """\
# sent_id = dot014_0008-0047
1	Eg	eg	pron	pron	pers|1|eint|hum|nom	2	SUBJ	_	name=O
2	er	vere	verb	verb	pres	0	FINV	_	name=O
3	ikkje	ikkje	adv	adv	_	2	ADV	_	name=O
4	her	her	prep	prep	_	2	SPRED	_	name=O
5	for	for	prep	prep	_	2	ADV	_	name=O
6	å	å	inf-merke	inf-merke	_	5	PUTFYLL	_	name=O
7	endra	endre	verb	verb	inf	6	INFV	_	name=O
8	kulturen	kultur	subst	subst	mask|appell|eint|bu	7	DOBJ	_	name=O
9	.	$.	clb	clb	<punkt>	2	IP	_	name=O

# sent_id = x-1
1	David	David	subst	subst	mask|prop	2	SUBJ	_	name=B-PER
2	Grossman	Grossman	subst	subst	prop	1	FLAT	_	name=I-PER
3	skreiv	skrive	verb	verb	pret	0	FINV	_	name=O
4	|	$|	clb	clb	<overskrift>	3	IP	_	name=O

"""

NNO_GOLD = [
    ("PRON", "Animacy=Hum|Case=Nom|Number=Sing|Person=1|PronType=Prs"), ("AUX", "Mood=Ind|Tense=Pres|VerbForm=Fin"),
    ("PART", "Polarity=Neg"), ("ADV", "_"), ("SCONJ", "_"), ("PART", "_"), ("VERB", "VerbForm=Inf"),
    ("NOUN", "Definite=Def|Gender=Masc|Number=Sing"), ("PUNCT", "_"),
]


def _read(tmp_path: Path, text: str):
    p = tmp_path / "s.conll"
    p.write_text(text, encoding="utf-8")
    return list(read_conll(p))


def test_bokmaal_sentence_matches_ud(tmp_path):
    (sent,) = _read(tmp_path, NOB)
    got = [(u.upos, u.feats) for _, u in convert_sentence(sent)]
    assert got == NOB_GOLD


def test_nynorsk_sentence_matches_ud(tmp_path):
    sent, names = _read(tmp_path, NNO)
    assert [(u.upos, u.feats) for _, u in convert_sentence(sent)] == NNO_GOLD
    mapped = convert_sentence(names)
    # the headline marker `|` is dropped as in UD; a proper noun whose features do not start
    # with `prop` is a NOUN in UD Nynorsk, one that does is a PROPN
    assert [t.form for t, _ in mapped] == ["David", "Grossman", "skreiv"]
    assert [(u.upos, u.feats) for _, u in mapped] == [
        ("NOUN", "Gender=Masc"), ("PROPN", "_"), ("VERB", "Mood=Ind|Tense=Past|VerbForm=Fin"),
    ]


SOM = """\
# sent_id = t-1
1	Ho	ho	pron	pron	pers|3|eint|fem|nom	2	SUBJ	_	name=O
2	vart	verte	verb	verb	pret	0	FINV	_	name=O
3	vald	velje	verb	verb	perf-part	2	INFV	_	name=O
4	som	som	prep	prep	_	3	FSPRED	_	name=O
5	leiar	leiar	subst	subst	mask|appell|eint|ub	4	PUTFYLL	_	name=O

# sent_id = t-2
1	ein	ein	det	det	mask|eint|kvant	2	DET	_	name=O
2	by	by	subst	subst	mask|appell|eint|ub	0	FRAG	_	name=O
3	som	som	prep	prep	_	2	ATR	_	name=O
4	Bergen	Bergen	subst	subst	prop	3	PUTFYLL	_	name=B-GPE_LOC

"""


def test_som_marks_a_predicative_and_is_a_preposition_elsewhere(tmp_path):
    predicative, attribute = _read(tmp_path, SOM)
    assert [u.upos for t, u in convert_sentence(predicative) if t.form == "som"] == ["SCONJ"]
    assert [u.upos for t, u in convert_sentence(attribute) if t.form == "som"] == ["ADP"]


def test_lemmas_and_entities_pass_through(tmp_path):
    from spacy.vocab import Vocab

    sents = _read(tmp_path, NNO)
    doc = make_doc(Vocab(), sents, native=True)
    assert [t.lemma_ for t in doc][:3] == ["eg", "vere", "ikkje"]
    assert [(e.text, e.label_) for e in doc.ents] == [("David Grossman", "PER")]
    assert [s.text for s in doc.sents][0].startswith("Eg er ikkje her")
    assert doc[9].is_sent_start and not doc[10].is_sent_start


def test_spaces_and_iob_repair():
    assert _ndt_spaces(["Hei", ",", "(", "du", ")", "."]) == [False, True, False, False, False, True]
    assert repair_iob(["O", "I-PER", "I-PER", "B-ORG", "I-LOC"]) == ["O", "B-PER", "I-PER", "B-ORG", "B-LOC"]


def test_alignment_uses_token_sequence(tmp_path):
    ndt = _read(tmp_path, NNO)
    ud = _read(tmp_path, NNO.replace("dot014_0008-0047", "999"))
    pairs = align_by_tokens(ndt, ud)
    assert [(a.sent_id, b.sent_id) for a, b in pairs] == [("dot014_0008-0047", "999"), ("x-1", "x-1")]


DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "ud" / "nob" / "dev.conllu").exists(), reason="shared data not present")
def test_agreement_on_dev_meets_targets():
    from training.pipeline.check_mapping import agreement

    for v in ("nob", "nno"):
        a = agreement(DATA, v)
        assert a.sentences > 1800
        assert a.upos >= 99.0 and a.feats >= 97.0, a


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "ndt" / "nob" / "train.conll").exists(), reason="shared data not present")
def test_removed_tokenizer_cases_are_the_ones_ndt_train_writes_as_word_and_full_stop():
    import spacy

    from training.pipeline.tokenizer_exceptions import NOT_ABBREVIATIONS, not_abbreviations

    found = not_abbreviations(spacy.blank("nb"), [DATA / "ndt" / v / "train.conll" for v in ("nob", "nno")])
    assert {form for form, _, _ in found} | {"):"} == NOT_ABBREVIATIONS
