"""The AI-drafted letter check (see :mod:`aimed.engines.letter_check.cases`)."""

from aimed.engines.letter_check.cases import *  # noqa: F403
from aimed.engines.letter_check.cases import (  # noqa: F401
    __all__,
    faithful_statements,
    load_catalogue,
    record_items,
    sentence,
)
