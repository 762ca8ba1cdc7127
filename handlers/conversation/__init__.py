"""The conversation (*hội thoại*): what a member writes in the chat becomes the answers dondoc
sends back. ``core.Conversation.handle`` is the one way in; every other module here is a
command or a step of a flow it calls. Nothing here knows the messenger (DESIGN.md principle 2).
"""
