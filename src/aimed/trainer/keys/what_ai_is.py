"""Answer keys of the exercise "Telling kinds of AI apart": the family of each vendor's tool,
and what the models of the notebook learned (see ``aimed.notebooks.what_ai_is`` for what the
learner sees). Risks come from the engine's own model (``TrainedModel.predict_risk``), not from
the weights the learner reads, so a wrong table would fail the checks rather than agree with
itself."""

from __future__ import annotations

from aimed.notebooks.what_ai_is import run, shown_patients, weights

__all__ = ["FAMILIES", "largest_weight", "risk", "weight", "weight_change"]

# The four tools of part 1, in the notebook's order: A rules written by people, B machine
# learning on measured features, C deep learning on raw data, D a generative model.
FAMILIES: tuple[str, ...] = ("B", "D", "A", "C")
MARKERS: tuple[str, ...] = ("marker_1", "marker_2", "marker_3")


def weight(feature: str, share_b: float, seed: int = 0) -> float:
    """The weight per unit of ``feature`` of the run with group B at ``share_b``."""
    return weights(run(share_b, seed).evaluation.model)[feature]


def largest_weight(share_b: float, seed: int = 0) -> str:
    """The test result that weighs most in that run's model (the three share one unit)."""
    return max(MARKERS, key=lambda m: weight(m, share_b, seed))


def weight_change(feature: str, before: tuple[float, int], after: tuple[float, int]) -> float:
    """How far ``feature``'s weight moved from one run to the other (after minus before)."""
    return weight(feature, *after) - weight(feature, *before)


def risk(patient: int, share_b: float, seed: int = 0) -> float:
    """The model's predicted risk for a shown patient (numbered from 1, as in the table)."""
    frame = shown_patients().loc[[patient]]
    return float(run(share_b, seed).evaluation.model.predict_risk(frame)[0])
