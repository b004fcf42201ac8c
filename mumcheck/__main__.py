from mumcheck.cli import run

run()
