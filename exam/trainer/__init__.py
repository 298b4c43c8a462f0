"""Trainer tools: score sheets, item analysis, regrading, results from several machines, roster, trainer passphrase."""
