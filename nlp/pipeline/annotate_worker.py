"""Second process for `spacy_pipeline.annotate`: annotate texts read from stdin, write JSON to stdout.

Input: one JSON object {"path": pipeline folder, "batch_size": n, "jobs": [[variety, [texts]], ...]}.
Output: for each job, the annotations of its texts in order (`Annotation.to_json`, text left out).
Nothing is written to disk: the texts are not yet redacted.
"""

from __future__ import annotations

import json
import sys

# spaCy's thinc imports torch when it is installed (about 1.5 s of this process's start), and
# fritekst's pipelines never use it: a None entry makes that import fail, which thinc expects.
sys.modules.setdefault("torch", None)  # type: ignore[arg-type]

from nlp.pipeline.spacy_pipeline import _load_cached, _run  # noqa: E402


def main() -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    nlp = _load_cached(request["path"], "path")
    out = [[a.to_json() for a in _run(nlp, texts, request["batch_size"], None, variety)] if texts else []
           for variety, texts in request["jobs"]]
    sys.stdout.write(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
