"""`python -m bot cache-status`: can Rasa's training cache serve the understanding (DIET) part?

Run in the project folder (as Rasa's training is), it prints {"nlu_cached": true|false} from Rasa's own
fingerprint pass (`rasa train --dry-run`, per node). The retrain uses it to choose between an ordinary
training (cache hit: only dialogue parts retrain) and fine-tuning the live model (NLU data changed).
"""

from __future__ import annotations

import json
import tempfile


def nlu_cached() -> bool:
    from rasa.model_training import train

    with tempfile.TemporaryDirectory() as out:
        result = train(domain="domain.yml", config="config.yml", training_files=["data"], output=out, dry_run=True)
    statuses = result.dry_run_results or {}
    diet = [status for name, status in statuses.items() if name.startswith("train_DIETClassifier")]
    return bool(diet) and all(getattr(status, "is_hit", False) for status in diet)


def main(argv: list[str]) -> int:
    print(json.dumps({"nlu_cached": nlu_cached()}))
    return 0
