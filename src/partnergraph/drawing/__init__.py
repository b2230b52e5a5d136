"""SVG charts and maps, the workbench's result views and the dashboard's figures."""
