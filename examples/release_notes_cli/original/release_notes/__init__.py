"""release-notes: draft release notes from git history with Claude."""
