"""BERTopic without its transformers-based extras, which fritekst never uses and which cost seconds to import."""

from __future__ import annotations

import sys


def import_bertopic():
    """The BERTopic class, imported without the optional extras fritekst never uses.

    The multimodal backend and the text-generation and zero-shot representations import
    sentence-transformers / transformers at import time (5-8 s of a 10 s run); the part-of-speech
    representation imports spaCy, and the save helpers import torch only for the legacy "pytorch"
    format (fritekst saves safetensors, which BERTopic writes with numpy): together about 1.5 s
    of a warm `analyze`, which otherwise never loads spaCy or torch. BERTopic treats each as
    optional (ImportError -> NotInstalled or a flag), which is what a None entry in sys.modules
    produces; the entries are removed again right after, so fritekst's own encoder still imports
    torch when it has texts to embed.
    """
    blocked = [m for m in _HEAVY_EXTRAS if m not in sys.modules] if "bertopic" not in sys.modules else []
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        from bertopic import BERTopic
    finally:
        for name in blocked:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]
    return BERTopic


_HEAVY_EXTRAS = ("bertopic.backend._multimodal", "bertopic.representation._textgeneration",
                 "bertopic.representation._zeroshot", "bertopic.representation._visual",
                 "bertopic.representation._pos", "torch")
