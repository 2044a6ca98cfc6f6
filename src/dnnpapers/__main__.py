from dnnpapers.cli import run

run()
