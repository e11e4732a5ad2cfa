"""Command line: `release-notes v1.2.0 --since v1.1.0 [--audience customers]`."""

from __future__ import annotations

import getpass

import click

from .git_log import as_bullets, commits_between
from .writer import NotesWriter


@click.command()
@click.argument("version")
@click.option("--since", required=True, help="previous release tag")
@click.option("--repo", default=".", show_default=True, help="path of the git repository")
@click.option("--audience", default=None, help="also rewrite the notes for this audience")
def main(version: str, since: str, repo: str, audience: str | None) -> None:
    """Draft the release notes of VERSION from the commits since the previous tag."""
    commits = commits_between(since, repo=repo)
    if not commits:
        raise click.ClickException(f"no commits since {since}")
    writer = NotesWriter()
    notes = writer.draft(version, as_bullets(commits))
    if audience:
        notes = writer.polish(notes, audience)
    click.echo(notes)
    click.echo(f"\n(drafted for {getpass.getuser()})", err=True)


if __name__ == "__main__":
    main()
