"""What an executed notebook records, made reproducible: the final paths, and cell ids that do not change.

A run executes its notebooks in a staging folder (``outputs/.<Y>.stage-…``, removed after the run) and writes
them into a temporary folder swapped in at the end; papermill records those paths as the parameters and the
output path, and gives the cell it injects a random id (so two identical runs gave different HTML). ``record``
rewrites the notebook as if it had been executed with the final paths, and names the injected cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import nbformat
from papermill.translators import translate_parameters

INJECTED = "injected-parameters"


def record(nb: nbformat.NotebookNode, parameters: Mapping[str, Any] | None = None,
           output_path: str | None = None) -> nbformat.NotebookNode:
    """``nb`` with ``parameters`` overriding the recorded ones (metadata and injected cell), ``output_path`` as
    papermill's output path, and the injected cell's id fixed; changed in place and returned."""
    meta = nb.metadata.setdefault("papermill", {})
    if parameters:
        meta["parameters"] = {**meta.get("parameters", {}), **parameters}
    if output_path:
        meta["output_path"] = output_path
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    language = nb.metadata.get("kernelspec", {}).get("language") or nb.metadata.get("language_info", {}).get(
        "name", "python")
    for cell in nb.cells:
        if INJECTED in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED
            if parameters:
                cell.source = translate_parameters(kernel, language, meta["parameters"], "Parameters")
    return nb
