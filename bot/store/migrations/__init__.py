"""Versioned schema migrations, shipped as package data: ``<dialect>/NNNN_name.sql``.

A regular package (not a namespace) so ``importlib.resources`` finds the files in a wheel, a zip
or a source checkout alike. Migrations are forward-only and never edited once released: a
change is a new file with the next number. See :mod:`bot.store.migrate` for how they run.
"""
