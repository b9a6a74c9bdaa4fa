"""Practising a conversation (issue 11): the reply classifier (classify.py), the scenarios as data
(scenarios.py, skill/locale/<locale>/practice/scenarios.json) and the role play itself (mode.py)."""
