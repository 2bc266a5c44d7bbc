"""Faster model loading for `make run`, the same predictions (cold start measured by `make bench`).

Two things Rasa 3.6 does at load time that prediction does not need:
- its predict graph has two SpacyNLP nodes (`provide_SpacyNLP0`, which the pipeline uses, and
  `run_SpacyNLP0`), and each loads fr_core_news_sm from disk: `SpacyNLP.load_model` now remembers
  the model it loaded, by name (it is only read afterwards);
- to give DIET's weights their shapes, RasaModel.load trains one step on an example (`model.fit`),
  which traces the whole training graph, gradients and optimizer included: 4/5 of the model's load
  time. DIET now restores its weights as the prediction graph creates them (TensorFlow's deferred
  restoration), then predicts once as Rasa does; the 355 held-out sentences of tests/nlu get the same
  intents, confidences and entities. Should a restored model not match the checkpoint, or anything
  fail, the original load runs instead (logged).
Installed when bot/runtime/nlu/components.py is imported, i.e. when Rasa reads the model's graph.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Optional

from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.utils.tensorflow.model_data import RasaModelData

logger = logging.getLogger(__name__)


def share_spacy_model() -> None:
    load = SpacyNLP.load_model
    if getattr(load, "cache_info", None):  # already installed
        return
    SpacyNLP.load_model = staticmethod(functools.lru_cache(maxsize=4)(load))  # type: ignore[method-assign]


def load_diet_without_training_step() -> None:
    original = DIET.load.__func__  # the classmethod RasaModel.load, unbound
    if getattr(original, "skips_training_step", False):
        return

    def load(
        cls: Any,
        model_file_name: str,
        model_data_example: RasaModelData,
        predict_data_example: Optional[RasaModelData] = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if finetune_mode or predict_data_example is None:  # training goes on from these weights: Rasa's way
            return original(
                cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
            )
        try:
            model = cls(*args, **kwargs)
            status = model.load_weights(model_file_name)  # values wait for the variables prediction creates
            model.run_inference(predict_data_example)
            status.assert_existing_objects_matched()  # every variable prediction uses came from the checkpoint
            return model
        except Exception as exc:  # noqa: BLE001 - never worse than Rasa's own load
            logger.warning(
                "Chargement rapide de DIET impossible (%s : %s) : chargement habituel de Rasa.",
                type(exc).__name__,
                " ".join(str(exc).split())[:200],
            )
            return original(
                cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
            )

    load.skips_training_step = True  # type: ignore[attr-defined]
    DIET.load = classmethod(load)  # type: ignore[method-assign, assignment]


def install() -> None:
    share_spacy_model()
    load_diet_without_training_step()
