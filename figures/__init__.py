"""Plotly figure builders: pure functions from engine results to figures, testable without Streamlit."""
