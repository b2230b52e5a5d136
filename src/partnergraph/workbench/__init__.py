"""The query workbench's core: completion, parameter forms, short links."""
