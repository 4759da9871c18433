"""The front desk's work on leads: the list and its search, the lead page and its panels,
calls, contact details, appointments, merging, phone intake, exports.
"""
