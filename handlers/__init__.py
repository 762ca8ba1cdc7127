"""Conversations and commands: messenger-independent logic that turns an incoming message into
outgoing messages (DESIGN.md principle 2)."""
