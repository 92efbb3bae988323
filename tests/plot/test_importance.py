from __future__ import annotations

import numpy as np

import hyperhop as hh
from hyperhop.importance import importance
from hyperhop.plot import plot_importance


def test_bars_are_the_shares_with_their_uncertainty(study: hh.Study) -> None:
    imp = importance(study, "ped_anova")
    ax = plot_importance(imp).axes[0]
    widths = [p.get_width() for p in ax.patches]
    np.testing.assert_allclose(widths, imp.shares)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(imp.params)
    err = ax.containers[0].lines[2][0].get_segments()  # the ErrorbarContainer
    np.testing.assert_allclose([s[1, 0] - s[0, 0] for s in err], 2 * np.array(imp.std))


def test_the_study_form_computes_the_importance(study: hh.Study) -> None:
    ax = plot_importance(study, "fanova", seed=1).axes[0]
    expected = importance(study, "fanova", seed=1)
    np.testing.assert_allclose([p.get_width() for p in ax.patches], expected.shares)
    assert "fanova" in ax.get_xlabel()
