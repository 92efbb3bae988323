from __future__ import annotations

import subprocess
import sys

import numpy as np

from hyperhop.plot._common import thin


def test_thin_keeps_the_given_indices_and_a_seeded_sample() -> None:
    idx = thin(100, 10, keep=np.array([99, 3]))
    assert len(idx) == 10 and {3, 99} <= set(idx.tolist())
    assert np.all(np.diff(idx) > 0)
    np.testing.assert_array_equal(idx, thin(100, 10, keep=np.array([99, 3])))
    np.testing.assert_array_equal(thin(5, 10), np.arange(5))


def test_without_matplotlib_a_plot_names_the_extra_to_install() -> None:
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import hyperhop as hh\n"
        "from hyperhop.plot import plot_parallel_coordinates\n"
        "s = hh.minimize(lambda c: c['x'], {'x': hh.float(0, 1)}, n_trials=2, progress=False)\n"
        "try:\n    plot_parallel_coordinates(s)\nexcept hh.exceptions.MissingDependencyError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'hyperhop[plot]'" in out.stdout


def test_figures_show_inline_in_jupyter_without_pyplot() -> None:
    import hyperhop as hh
    from hyperhop.plot import plot_edf

    s = hh.minimize(lambda c: c["x"], {"x": hh.float(0, 1)}, n_trials=3, seed=0, progress=False)
    assert plot_edf(s)._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
