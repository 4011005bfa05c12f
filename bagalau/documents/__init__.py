"""Official documents: the acts' forms as templates (Kazakh and Russian) rendered
to DOCX and PDF, and the rating as XLSX, CSV, JSON and SVG charts.

``sources`` reads what a document shows out of the store into plain data (so
that rendering needs no database session and can run in worker processes);
``ratings`` writes the rating files; ``charts`` draws the SVG charts. No module
here holds a rule of an act: every figure comes from a stored scoring run.
"""
