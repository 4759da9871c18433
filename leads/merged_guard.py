"""A merged lead is read-only: one check every way of changing a lead goes through.

After a merge the duplicate only points to the lead the clinic kept. A call, an
assignment, a status, a follow-up, an appointment, a note or a verdict written on
it would be work nobody sees (it has left the list) and a second truth about the
person. The services call ``refuse_if_merged`` before writing anything; the
console and the API turn ``LeadMerged`` into a 409 that names the kept lead.
"""

from __future__ import annotations

from leads.models import Lead


class LeadMerged(Exception):
    """The lead was merged into ``into_id``; nothing was written."""

    def __init__(self, lead_id: int, into_id: int):
        self.lead_id = lead_id
        self.into_id = into_id
        super().__init__(f"lead {lead_id} was merged into lead {into_id}")


def refuse_if_merged(lead: Lead) -> None:
    """Raise LeadMerged when ``lead`` was merged into another lead."""
    if lead.merged_into_id is not None:
        raise LeadMerged(lead.id, lead.merged_into_id)
