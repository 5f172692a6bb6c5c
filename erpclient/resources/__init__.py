"""What each resource sends and how its answer is read: ``Operation`` builders, no I/O."""
