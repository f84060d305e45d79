from .cli import main

main(prog="alembic-rs")
