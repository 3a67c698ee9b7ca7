"""Governance: who may see what (access policy), the access log, audited re-identification."""
