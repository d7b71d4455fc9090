"""The encoder's rewrite passes, one module each (see plan.py for the plan types)."""
