"""The answers engine as it was before issue 11 (main's ``bot/answers.py`` and its wording module),
kept here only so that ``python -m bench.run answers`` can time the new engine next to it."""
