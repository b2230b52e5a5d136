"""What the graph says of one resource: its description, labels, references, citation."""
