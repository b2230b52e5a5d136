"""The static export of the site and its dumps."""
