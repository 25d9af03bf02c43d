"""One mutation per file: createPlaybook, updatePlaybook."""
