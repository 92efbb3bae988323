"""The README's first command: a look at hyperhop's search-space language.

(Replaced by a real tuning demo once the study loop exists.)
"""

from __future__ import annotations

import logging

import hyperhop as hh

log = logging.getLogger("hyperhop.demo")

SPACE = {
    "lr": hh.float(1e-5, 1e-1, "0.1g"),
    "units": hh.int(16, 512, power_of=2),
    "model": hh.choice(
        {"kind": "svm", "C": hh.float(1e-3, 1e3, log=True)},
        {"kind": "forest", "trees": hh.int(10, 500)},
    ),
}


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    space = hh.Space(SPACE)
    log.info("%s", space)
    for seed in range(5):
        log.info("%s", hh.sample(space, seed=seed))


if __name__ == "__main__":
    main()
