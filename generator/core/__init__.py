"""The core pipeline: read and check modules, render them with Jinja, lay them out and write PDFs
with WeasyPrint. It knows nothing of participants, rosters or servers."""
