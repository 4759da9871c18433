"""The patient-facing questionnaire: questions as data, forms, flow and views."""
