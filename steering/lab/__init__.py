"""The evaluation lab's dataset: a pseudonymised extract of the dossiers, their funding lines
and their follow-up reports, as a ZIP of CSV files with its data dictionary.

What goes out is decided column by column (``dossiers``, ``records``): a column exists only
if it is listed there, with its meaning, so the dictionary and the files cannot disagree.
Names, contacts, exact addresses, identifiers of natural persons and free text never have a
column. People and dossiers are known by pseudonyms keyed per export (``pseudonyms``).
"""
