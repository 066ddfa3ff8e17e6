"""Diacritics-insensitive lemmas for Polish and English tokens.

Rasa's featurizers read `token.lemma`; this component sets it to the *folded lemma* of each token,
so "firmę", "firme" and "firmy" all become "firma". Lemmatising text typed without diacritics needs
a dictionary keyed by folded forms; building one for all of Polish costs hundreds of megabytes, so
at training time we keep only the inflections of lemmas that occur in the training data (taken from
simplemma's dictionaries). Parsing is then one dictionary look-up per token, with no model to load.

Domain synonyms (the NLU data's `synonym:` blocks, generated from `kb/synonyms.yml`) are applied
here too: a token sequence matching a variant ("jdg") gets the canonical term's lemmas appended
("jdg dzialalnosc gospodarczy"), so every later featurizer and the FAQ retriever see both.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Any, Dict, Iterable, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.stored import StoredStateComponent
from components.training_language import example_language
from lang.text import fold, words

logger = logging.getLogger(__name__)


def build_lexicon(tokens_by_language: Dict[str, Iterable[str]]) -> Dict[str, str]:
    """Map folded surface forms to folded lemmas for the vocabulary seen in training.

    Forms actually seen in training win over dictionary inflections when two lemmas compete for
    the same folded form; among those, the lemma seen more often wins.
    """
    import simplemma
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    seen: Dict[str, Counter] = defaultdict(Counter)
    lemma_frequency: Counter = Counter()
    lemmas_by_language: Dict[str, set] = defaultdict(set)
    for language, tokens in tokens_by_language.items():
        for token, count in Counter(tokens).items():  # each distinct token once: a few % of all
            lemma = simplemma.lemmatize(token.lower(), lang=language)
            seen[fold(token)][fold(lemma)] += count
            lemma_frequency[fold(lemma)] += count
            lemmas_by_language[language].add(lemma.lower())

    inflections: Dict[str, Counter] = defaultdict(Counter)
    dictionaries = DefaultDictionaryFactory()
    for language, lemmas in lemmas_by_language.items():
        for form, lemma in dictionaries.get_dictionary(language).items():
            if lemma.lower() in lemmas:
                folded_lemma = fold(lemma)
                inflections[fold(form)][folded_lemma] = lemma_frequency[folded_lemma]

    lexicon = {form: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for form, c in inflections.items()}
    lexicon.update({form: c.most_common(1)[0][0] for form, c in seen.items()})
    return {form: lemma for form, lemma in lexicon.items() if form != lemma}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class FoldedLemmatizer(StoredStateComponent):
    """Sets every token's lemma to its diacritics-folded lemma (Polish and English)."""

    TRAINING_CODE = ("components.training_language", "lang.text")

    def restore(self, state: Dict[str, Any] | None) -> None:
        state = state or {}
        self._lexicon: Dict[str, str] = state.get("lexicon", {})
        # canonical lemma text -> variants as lemma sequences
        self._synonyms: Dict[str, List[List[str]]] = state.get("synonyms", {})

    def train(self, training_data: TrainingData) -> Resource:
        tokens_by_language: Dict[str, List[str]] = defaultdict(list)
        for example in training_data.training_examples:
            language = example_language(example) or "pl"
            tokens_by_language[language].extend(token.text for token in example.get(TOKENS_NAMES[TEXT], []))
        for variant, canonical in training_data.entity_synonyms.items():
            tokens_by_language["pl"].extend(words(f"{variant} {canonical}"))
        self._lexicon = build_lexicon(tokens_by_language)
        self._synonyms = {}
        for variant, canonical in sorted(training_data.entity_synonyms.items()):
            target = self._lemmas(canonical)
            if target and self._lemmas(variant) != target:
                self._synonyms.setdefault(" ".join(target), []).append(self._lemmas(variant))
        logger.info("Folded-lemma lexicon: %d forms, %d synonym groups.", len(self._lexicon), len(self._synonyms))
        return self.persist({"lexicon": self._lexicon, "synonyms": self._synonyms})

    def _lemmas(self, phrase: str) -> List[str]:
        return [self.lemma(word) for word in words(phrase)]

    def expand_synonyms(self, lemmas: List[str]) -> List[str]:
        """Append each matched variant's canonical lemmas to the variant's last token."""
        expanded = list(lemmas)
        present = set(lemmas)
        for canonical, variants in self._synonyms.items():
            for variant in variants:
                if variant and variant[0] not in present:  # most messages match no variant
                    continue
                width = len(variant)
                for end in range(width, len(lemmas) + 1):
                    if lemmas[end - width : end] == variant and canonical not in expanded[end - 1]:
                        expanded[end - 1] = f"{expanded[end - 1]} {canonical}"
        return expanded

    def lemma(self, word: str) -> str:
        """The folded lemma of one word (the folded word itself when it is not known)."""
        folded = fold(word)
        return self._lexicon.get(folded, folded)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT], []) or []
            lemmas = self.expand_synonyms([self.lemma(token.text) for token in tokens])
            for token, lemma in zip(tokens, lemmas, strict=False):
                token.lemma = lemma
        return messages
