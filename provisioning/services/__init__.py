"""Writes of the provisioning app, one module per concern:
requests (connection requests), codes (activation codes), activation (provisioning a
school from a code), pool (spare schemas), summary (the regional dashboard's figures)."""
