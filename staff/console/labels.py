"""Every code the console shows, in words: statuses, outcomes, sources, roles, actions.

Labels live here, below every area, because more than one area shows each of them
(the lead page, the list, exports, the dashboard and the audit log's sentences).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "new": _l("New"),
    "contacted": _l("Contacted"),
    "booked": _l("Booked"),
    "not_a_fit": _l("Not a fit"),
    "closed": _l("Closed"),
}

OUTCOME_LABELS = {
    "book_consultation": _l("Book consultation"),
    "clinician_review": _l("Clinician review"),
    "see_dermatologist": _l("See dermatologist"),
    "not_suitable_now": _l("Not suitable now"),
}

#: The list's status filter: the statuses, plus new leads nobody has worked on yet and
#: duplicates merged into another lead (hidden from every other view of the list).
LIST_STATUS_LABELS = {
    "new": STATUS_LABELS["new"],
    "untouched": _l("New and untouched"),
    **{status: label for status, label in STATUS_LABELS.items() if status != "new"},
    "merged": _l("Merged into another lead"),
}

#: The list's follow-up filter (clinic days).
FOLLOW_UP_LABELS = {
    "today": _l("Due today"),
    "overdue": _l("Overdue"),
    "none": _l("None set"),
}

#: The assignee filter's fixed choices (each active member of staff follows them).
ASSIGNED_LABELS = {
    "me": _l("Me"),
    "none": _l("Unassigned"),
}

SOURCE_LABELS = {
    "site": _l("Website"),
    "embed": _l("Embedded on a site"),
    "staff_intake": _l("Phone intake"),
}


NOTIFICATION_KIND_LABELS = {
    "clinic_email": _l("Email to the clinic"),
    "confirmation_email": _l("Confirmation email to the person"),
    "webhook": _l("Webhook"),
    "staff_password_link": _l("Set-password link to a member of staff"),
    "staff_two_factor_changed": _l("Two-factor sign-in change, to the member of staff"),
    "appointment_confirmation": _l("Appointment confirmation to the person"),
    "appointment_reminder": _l("Appointment reminder to the person"),
    "appointment_cancellation": _l("Appointment cancellation to the person"),
}

#: What people see for each role ("staff" is the front desk).
ROLE_LABELS = {
    "staff": _l("Front desk"),
    "clinician": _l("Clinician"),
    "admin": _l("Admin"),
}

NOTIFICATION_STATE_LABELS = {
    "pending": _l("Waiting to be sent"),
    "dead": _l("Gave up"),
}

ACTION_LABELS = {
    "view": _l("Viewed a lead"),
    "update": _l("Changed a status"),
    "note": _l("Added a note"),
    "export": _l("Exported leads"),
    "delete": _l("Deleted a lead"),
    "purge": _l("Purged old leads"),
    "intake": _l("Phone intake"),
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Failed sign-in"),
    "staff_change": _l("Changed staff"),
    "rules_sign_off": _l("Signed off rules"),
    "rules_sign_off_refused": _l("Rules sign-off refused"),
    "rules_sign_off_withdrawn": _l("Withdrew a rules sign-off"),
    "two_factor": _l("Two-factor sign-in"),
    "password_change": _l("Changed a password"),
    "password_link": _l("Issued a set-password link"),
    "settings_change": _l("Changed a clinic setting"),
    "api_token": _l("Changed an API token"),
    "api_read": _l("Read leads through the API"),
    "api_update": _l("Changed a status through the API"),
    "data_request": _l("Searched a person's data"),
    "data_export": _l("Exported a person's data"),
    "erase": _l("Erased a person's data"),
    "assign": _l("Assigned a lead"),
    "follow_up": _l("Set a follow-up"),
    "call": _l("Recorded a call"),
    "note_edit": _l("Corrected a note"),
    "contact_change": _l("Corrected contact details"),
    "merge": _l("Merged leads"),
    "appointment": _l("Changed an appointment"),
    "verdict": _l("Recorded a clinician’s verdict"),
}

CALL_OUTCOME_LABELS = {
    "reached": _l("Reached"),
    "booked": _l("Booked"),
    "no_answer": _l("No answer"),
    "left_message": _l("Left a message"),
    "wrong_number": _l("Wrong number"),
}

#: Each switch's words: its label here, and in the audit log's sentences.
FLAG_LABELS = {
    "require_two_factor": _l("Staff must use two-factor sign-in"),
    "webhook_contact_details": _l("Webhooks carry the person's contact details"),
}

#: Each switch's words in the audit log's plain detail (English, like every audit detail;
#: older rows have only these, so the log reads them back into a sentence).
FLAG_AUDIT_WORDS = {
    "require_two_factor": "staff must use two-factor sign-in",
    "webhook_contact_details": "webhooks carry the person's contact details",
}
