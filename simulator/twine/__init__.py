"""Importing Twine stories (Twee 3, Twine 2 archives and published HTML) as scenarios.

Pure: reading (twee, archive, source), taking passages apart (markup), translating
macros (logic), laying passages flat (flatten), declaring variables (declare),
building the scenario (convert) and writing it (writer). The command that uses them is
simulator/import_command.py; the conventions are in docs/twine-import.md.
"""
