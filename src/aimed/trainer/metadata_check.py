"""nbgrader's check of every cell's grading metadata, with its schema compiled once.

nbgrader's ``CheckCellMetadata`` calls ``jsonschema.validate`` for each cell, which checks
nbgrader's own schema against JSON Schema's before every use: about a tenth of the
grader's time per notebook. ``CheckCellMetadata`` here runs the same checks (schema
version, the schema, grade ids, points, cell types) with the schema checked once per
process. It stands where nbgrader's stood in ``Autograde.sanitize_preprocessors``
(``sanitize_steps``, read by ``grading.py``) and in ``GenerateAssignment.preprocessors``
(``release_steps``, read by ``release.py``: there it was a quarter of a release's time).
"""

from __future__ import annotations

import functools
import traceback

import jsonschema
from jsonschema.exceptions import best_match
from nbformat import NotebookNode
from nbgrader.nbgraderformat import MetadataValidator, ValidationError
from nbgrader.nbgraderformat.common import (
    BaseMetadataValidator,
    SchemaTooNewError,
    SchemaTooOldError,
)
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import HasTraits


def with_our_check(converter: type[HasTraits], trait: str) -> list[str]:
    """nbgrader's own default steps of ``converter.trait``, in its order, each of its
    metadata checks replaced by the one here."""
    from nbgrader.preprocessors import CheckCellMetadata as Stock

    ours = f"{__name__}.CheckCellMetadata"
    steps = converter.class_traits()[trait].default()
    if not steps:  # never so far: say it rather than run no step
        raise RuntimeError(f"nbgrader's {converter.__name__}.{trait} lists no step")
    return [ours if step is Stock else f"{step.__module__}.{step.__qualname__}" for step in steps]


def sanitize_steps() -> list[str]:
    """What ``autograde`` does to a submission before running it (``grading.py``)."""
    from nbgrader.converters import Autograde

    return with_our_check(Autograde, "sanitize_preprocessors")


def release_steps() -> list[str]:
    """What ``generate_assignment`` does to a source notebook (``release.py``)."""
    from nbgrader.converters import GenerateAssignment

    return with_our_check(GenerateAssignment, "preprocessors")


class _CompiledSchema(BaseMetadataValidator):
    """The schema part of nbgrader's ``validate_cell``, on a validator made once."""

    def __init__(self) -> None:
        super().__init__()
        kind = jsonschema.validators.validator_for(self.schema)
        kind.check_schema(self.schema)
        self._compiled = kind(self.schema)

    def validate_cell(self, cell: NotebookNode) -> None:
        if "nbgrader" not in cell.metadata:
            return
        version = cell.metadata["nbgrader"].get("schema_version", 0)
        if version < self.schema_version:
            raise SchemaTooOldError(
                f"Outdated schema version: {version} (expected {self.schema_version})",
                version,
                self.schema_version,
            )
        if version > self.schema_version:
            raise SchemaTooNewError(
                f"Schema version is too new: {version} (expected {self.schema_version})",
                version,
                self.schema_version,
            )
        error = best_match(self._compiled.iter_errors(cell.metadata["nbgrader"]))
        if error is not None:
            raise error


class _Validator(MetadataValidator, _CompiledSchema):
    """nbgrader's current validator, whose ``super().validate_cell`` reaches the one above."""


@functools.cache
def compiled_validator() -> _Validator:
    return _Validator()


class CheckCellMetadata(NbGraderPreprocessor):
    """nbgrader's ``CheckCellMetadata``: the same checks and the same error."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        try:
            compiled_validator().validate_nb(nb)
        except ValidationError:
            self.log.error(traceback.format_exc())
            message = "Notebook failed to validate; the nbgrader metadata may be corrupted."
            self.log.error(message)
            raise ValidationError(message) from None
        return nb, resources
