"""Wiring: settings, the ``dondoc`` command line, and the channel adapters (Zalo, Telegram,
console)."""
