"""The check as one declarative machine, with no Telegram in it.

``state``: the typed per-chat state; ``outcomes``: the one outcome enum; ``machine``: the table
of steps x events -> transitions and of what each step does with input it did not ask for;
``vendor_policy``: what each vendor outcome does at each call; ``diagram``: docs/flow.md's
diagram, generated from the table. handlers/ turns Telegram updates into these events and the
machine's answers into Bot API calls.
"""
