"""A clinic's own rule over the existing questions (age over 65 -> clinician review), as a
clinician would add it to the shipped rule file: shared by the proof's, the rule book's and
the browser's tests of ``clinic_`` reasons."""

#: The line the shipped rule file's default rule starts with: a clinic's rule goes before it.
DEFAULT = "# --- the default: no screening concern ---"

OVER_65 = """
[[rule]]
id = "R-age-over-65"
reason = "clinic_age_over_65"
outcome = "clinician_review"
evidence = []
note = "Clinic policy: thinner skin heals more slowly after 65; a clinician sees everyone older."
when = { age = { at_least = 66 } }

[rule.text]
en = "As you are over 65, a clinician will see you before any treatment."
es = "Como tiene más de 65 años, un profesional clínico le verá antes de cualquier tratamiento."

"""
