"""App-only logic for the Streamlit app (`app.py`): pure functions kept out of the script so they
can be tested without a browser. Nothing here imports Streamlit except `streamlit_progress`."""
