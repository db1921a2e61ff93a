"""The sandbox: a Streamlit app, one page per scenario, laid out over the core engines."""
