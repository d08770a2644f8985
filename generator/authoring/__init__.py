"""Tools for writing modules, standing on the core: the skeleton, the live preview, page images
and the catalog."""
