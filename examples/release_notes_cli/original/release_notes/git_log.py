"""Read commits between two refs (plain git, no provider code here)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass


@dataclass
class Commit:
    sha: str
    author: str
    subject: str


def commits_between(since: str, until: str = "HEAD", repo: str = ".") -> list[Commit]:
    out = subprocess.run(
        ["git", "-C", repo, "log", "--no-merges", "--format=%h%x1f%an%x1f%s", f"{since}..{until}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    commits = []
    for line in out.splitlines():
        sha, author, subject = line.split("\x1f", 2)
        commits.append(Commit(sha, author, subject))
    return commits


def as_bullets(commits: list[Commit]) -> str:
    return "\n".join(f"- {c.subject} ({c.sha}, {c.author})" for c in commits)
