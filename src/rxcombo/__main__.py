from rxcombo.cli import main

main()
