from lawdocs.cli import main

main()
