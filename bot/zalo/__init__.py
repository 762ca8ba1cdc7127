"""Zalo Bot Platform (bot-api.zaloplatforms.com): our own small httpx client, the parsing of
its updates and the Zalo ``Channel``. Zalo sends text only (2,000 characters a message) and
photos by URL; options are shown as numbered lines that the officer answers by number."""
