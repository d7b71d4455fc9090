"""Read models and actions behind the BeyondTrust-compatible APIs, in Lifeline vocabulary.

`lifeline/api/` translates what these return into BeyondTrust words; these
modules never use them beyond the table names they own.
"""
