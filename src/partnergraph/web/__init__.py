"""The Flask application: thin views over the graph core."""
