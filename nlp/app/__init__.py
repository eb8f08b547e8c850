"""The Streamlit app's parts, the only package that imports Streamlit (`app.py` is the page).

Public face: `state` (the open run, its edits and the cached loaders), `sidebar` (data source,
filters, edits list), `running` (analysing a file with progress bars), `widgets` (shared tables,
move panel, charts, messages) and `views` (one module per tab). Pure logic lives in `nlp.ui`.
"""
