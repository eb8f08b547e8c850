"""The app's pure logic: formats, escaping, filters, tables, charts, edits, exports, uploads and
the page's words, testable without a browser. Nothing here imports Streamlit (that is `nlp.app`)."""
