"""Rasa graph component around bot.runtime.nlu.entity_cleaning (placed after DIET in config.yml); importing it
also makes DIET cache-friendly (see _train_diet_on_a_copy)."""

from __future__ import annotations

import copy
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import diet_classifier as rasa_diet
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.runtime.nlu import loading
from bot.runtime.nlu.entity_cleaning import clean_entities


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EntityBoundaryCleaner(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityBoundaryCleaner:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES)
            if entities:
                message.set(ENTITIES, clean_entities(message.get(TEXT) or "", entities), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def _train_diet_on_a_copy() -> None:
    """Rasa's DIET writes BILOU tags into the TrainingData it shares with EntitySynonymMapper, so the
    mapper's cache key changed on every run and each retrain (even story-only) re-ran the whole spaCy
    featurisation. Training DIET on a copy keeps the shared data as fingerprinted. Patched rather than
    subclassed: Rasa's config validator and reports recognise DIET by its exact class."""
    train = rasa_diet.DIETClassifier.train
    if getattr(train, "trains_on_copy", False):
        return

    def train_on_copy(self, training_data: TrainingData) -> Resource:  # type: ignore[no-untyped-def]
        return train(self, copy.deepcopy(training_data))

    train_on_copy.trains_on_copy = True  # type: ignore[attr-defined]
    rasa_diet.DIETClassifier.train = train_on_copy  # type: ignore[method-assign]


_train_diet_on_a_copy()
loading.install()  # one spaCy model, DIET loaded without a training step: faster start (bot/runtime/nlu/loading.py)
