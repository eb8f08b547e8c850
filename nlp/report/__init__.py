"""What fritekst reports: the summary workbook, shares and group statistics, rating drivers, SPSS export, formula-safe cells."""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "summary_workbook": "workbook",
    "write_summary": "workbook",
    "compare_groups": "stats",
    "trend_across_rounds": "stats",
    "wilson_interval": "stats",
    "drivers": "rating_drivers",
    "check_ratings": "rating_drivers",
    "respondent_themes": "rating_drivers",
    "write_sav": "spss",
    "escape_cell": "safe_cells",
})
