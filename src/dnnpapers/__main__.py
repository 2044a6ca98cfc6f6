from dnnpapers.cli import main

main()
