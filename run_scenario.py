"""Run a lowalt scenario: ``python run_scenario.py [SCENARIO] [--out DIR]``."""

from lowalt.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
