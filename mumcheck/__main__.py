from mumcheck.cli import main

main()
