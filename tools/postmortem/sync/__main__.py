"""`python -m postmortem.sync sync|review ...`: the commands without the full CLI group."""

import click

from .command import review_command, sync_command


@click.group()
def commands() -> None:
    """Sync action items to GitHub issues and review them."""


commands.add_command(sync_command)
commands.add_command(review_command)

if __name__ == "__main__":
    commands()
