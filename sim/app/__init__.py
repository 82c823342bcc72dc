"""The teaching page: a Streamlit app (``hospital-sim-app``) that runs scenarios in a
worker process and shows their KPIs, figures and the animated patient flow."""
