"""The Norwegian spaCy pipeline (Bokmål and Nynorsk): loading, fritekst's components, annotation."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "load_pipeline": "spacy_pipeline",
    "PipelineRef": "spacy_pipeline",
    "annotate": "spacy_pipeline",
    "process": "spacy_pipeline",
    "pipeline_id": "spacy_pipeline",
    "Annotation": "spacy_pipeline",
    "AnnotationCache": "spacy_pipeline",
    "PipelineError": "spacy_pipeline",
    "NN_SUFFIX": "spacy_pipeline",
})
