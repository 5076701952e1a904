"""Streamlit helpers shared by every page: the sidebar inputs, messages and cached model calls."""
