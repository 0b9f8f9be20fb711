"""python -m bot: the same as the summitbot command."""

from bot.cli import run_main

run_main()
