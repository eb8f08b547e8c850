"""Run folders and saved models: one store for the CLI and the app, safe formats only."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "write_analysis": "store",
    "write_tagged": "store",
    "load_run": "store",
    "read_edits": "store",
    "RunData": "store",
    "load_model": "model_store",
    "save_model": "model_store",
    "SavedModel": "model_store",
    "check_run_folder": "out_paths",
    "check_table_file": "out_paths",
})
