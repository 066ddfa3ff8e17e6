"""What a model is trained from: the paths whose change makes a trained model stale.

Beside Rasa's own inputs (config, domain, data) this is the code the pipeline trains with, part of
which lives outside components/ because the console and the analysts' tools reuse it. The test
model's cache key (tests/stack.py) and run.sh's "train if stale" check (scripts/common.sh, through
`python -m components.training_inputs`) both read this one list.
"""

from __future__ import annotations

TRAINING_INPUTS = (
    "config.yml",
    "domain",
    "data",
    "components",
    "lang",
    "services/answerability",
    "services/embeddings.py",
)

if __name__ == "__main__":
    print(" ".join(TRAINING_INPUTS))
