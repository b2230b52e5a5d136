"""The HTTP views: one module per group of routes, thin functions over the core."""
