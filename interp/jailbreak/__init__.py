"""The jailbreak suite: deterministic prompt transforms and their attack success rates."""
