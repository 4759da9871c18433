"""Inbound integrations: bookings that come back from the clinic's booking tool.

``/integrations/<tool>/bookings`` (POST only) for Cal.com, Calendly, Acuity and Jane;
receivers.py verifies each tool's signature and reads its event, leads/bookings.py
(through leads.service) stores and applies it. Called by the tools' servers, so no
CSRF token (the signature stands in for it); the host check applies as everywhere.
"""

from __future__ import annotations

from integrations.views import bp

__all__ = ["bp"]
