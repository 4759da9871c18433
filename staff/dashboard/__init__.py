"""The dashboard: the pipeline of a period's leads, the work waiting, the web funnel."""
